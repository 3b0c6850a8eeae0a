using System.Globalization;
using ControlPlane.Domain.Slos;
using ControlPlane.Domain.Tenants;

namespace ControlPlane.Application.Slos;

/// <summary>What was read for one SLO: error ratio per window (a window without events is absent), or why nothing could be.</summary>
public sealed record SliReading(IReadOnlyDictionary<TimeSpan, double> ErrorRatios, string? Failure)
{
    public static SliReading Failed(string reason) => new(new Dictionary<TimeSpan, double>(), reason);
}

/// <summary>
/// Reads the error ratios of many SLOs of one cluster with a fixed number of queries: one per window, preset and
/// indicator kind, grouped by namespace and placement (recovered from the pod name) — never one query per SLO. Each
/// query names only the namespaces of SLOs being evaluated, and each SLO takes only its own (namespace, placement) group.
/// </summary>
public sealed class SliReader(IPrometheusQueries prometheus)
{
    /// <summary>Queries sent since this reader was created (the benchmark reports it per pass).</summary>
    public int QueriesSent { get; private set; }

    public async Task<IReadOnlyDictionary<Guid, SliReading>> ReadAsync(PrometheusConnection connection, IReadOnlyList<Slo> slos,
        CancellationToken cancellationToken)
    {
        var readings = new Dictionary<Guid, SliReading>();
        foreach (var group in slos.GroupBy(s => (s.Indicator.Metrics!.Value, s.Indicator.Kind)))
        {
            var members = group.ToList();
            var windows = members.SelectMany(s => BurnRateWindows.For(s.WindowDuration).Append(s.WindowDuration)).Distinct().Order().ToList();
            var namespaces = string.Join("|", members.Select(s => TenantNamespace.For(s.Tenant)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
            var series = MetricsPresets.For(group.Key.Item1);
            var ratios = members.ToDictionary(s => s.Id, _ => new Dictionary<TimeSpan, double>());
            try
            {
                foreach (var window in windows)
                {
                    var query = group.Key.Kind == SloIndicatorKind.Latency
                        ? LatencyQuery(series, namespaces, window)
                        : AvailabilityQuery(series, namespaces, window);
                    QueriesSent++;
                    var samples = await prometheus.QueryAsync(connection, query, cancellationToken);
                    var byPlacement = samples.ToLookup(s => (Label(s, "namespace"), Label(s, "placement")));
                    foreach (var slo in members)
                    {
                        var own = byPlacement[(TenantNamespace.For(slo.Tenant), slo.Placement)].ToList();
                        if (Ratio(slo.Indicator, series, own) is { } ratio)
                        {
                            ratios[slo.Id][window] = ratio;
                        }
                    }
                }
            }
            catch (PrometheusUnavailableException ex)
            {
                foreach (var slo in members)
                {
                    readings[slo.Id] = SliReading.Failed($"Prometheus of cluster '{connection.Cluster}' could not be read: {ex.Message}");
                }

                continue;
            }

            foreach (var slo in members)
            {
                readings[slo.Id] = new SliReading(ratios[slo.Id], null);
            }
        }

        return readings;
    }

    /// <summary>Failed and total requests per (namespace, placement), told apart by a "series" label, in one query.</summary>
    internal static string AvailabilityQuery(PresetSeries series, string namespaces, TimeSpan window) =>
        Grouped(series.ErrorSelector, namespaces, window, "errors") + " or " + Grouped(series.TotalSelector, namespaces, window, "total");

    /// <summary>Every histogram bucket's rate per (namespace, placement, le): each SLO picks its threshold's bucket and +Inf.</summary>
    internal static string LatencyQuery(PresetSeries series, string namespaces, TimeSpan window) =>
        $"sum by (namespace, placement, le) ({ByPlacement($"rate({{__name__=~\"{series.BucketMetric}\",namespace=~\"{namespaces}\"}}[{SloWindow.Format(window)}])")})";

    private static string Grouped(SeriesSelector selector, string namespaces, TimeSpan window, string name)
    {
        var matcher = $"{{__name__=~\"{selector.NameRegex}\",namespace=~\"{namespaces}\"{(selector.Matcher is null ? "" : "," + selector.Matcher)}}}";
        var sum = $"sum by (namespace, placement) ({ByPlacement($"rate({matcher}[{SloWindow.Format(window)}])")})";
        return $"label_replace({sum}, \"series\", \"{name}\", \"\", \"\")";
    }

    /// <summary>Adds the placement label recovered from each series' pod name (series of other pods get none).</summary>
    internal static string ByPlacement(string vector) =>
        $"label_replace({vector}, \"placement\", \"$1\", \"pod\", \"{MetricsPresets.PlacementFromPod}\")";

    /// <summary>The error ratio from one placement's samples of the query for <paramref name="indicator"/>; null when it served no requests in the window.</summary>
    internal static double? Ratio(SloIndicator indicator, PresetSeries series, IReadOnlyList<PrometheusSample> samples)
    {
        if (indicator.Kind == SloIndicatorKind.Latency)
        {
            var threshold = indicator.ThresholdSeconds!.Value * series.SecondsToLe;
            var all = samples.FirstOrDefault(s => Label(s, "le") == "+Inf")?.Value;
            var good = samples.FirstOrDefault(s => double.TryParse(Label(s, "le"), NumberStyles.Float, CultureInfo.InvariantCulture, out var le)
                && Math.Abs(le - threshold) <= 1e-9 * Math.Max(1, threshold))?.Value;
            return all is > 0 && good is { } g ? Math.Clamp(1 - (g / all.Value), 0, 1) : null;
        }

        var total = samples.FirstOrDefault(s => Label(s, "series") == "total")?.Value;
        var errors = samples.FirstOrDefault(s => Label(s, "series") == "errors")?.Value ?? 0;
        return total is > 0 ? Math.Clamp(errors / total.Value, 0, 1) : null;
    }

    internal static string Label(PrometheusSample sample, string name) => sample.Labels.TryGetValue(name, out var value) ? value : "";
}
