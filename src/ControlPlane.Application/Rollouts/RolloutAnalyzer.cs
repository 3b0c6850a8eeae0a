using System.Globalization;
using ControlPlane.Application.Slos;
using ControlPlane.Domain.Billing;
using ControlPlane.Domain.Common;
using ControlPlane.Domain.Rollouts;
using ControlPlane.Domain.Slos;
using ControlPlane.Domain.Tenants;

namespace ControlPlane.Application.Rollouts;

/// <summary>
/// One analysis run of a rollout: each gate measured for both variants with a query the control plane builds from the
/// SLO machinery (the same presets, the same namespace confinement, the same placement label recovered from pod names).
/// The variant is that placement label: &lt;placement&gt; is the stable Deployment's pods, &lt;placement&gt;-canary the canary's
/// (its Deployment is named so). Tenants name metrics, never send PromQL. Prometheus unreachable, or a variant without
/// data, makes a gate inconclusive — never a pass.
/// </summary>
public sealed class RolloutAnalyzer(IPrometheusQueries prometheus, IUsageSlices usage, Billing.PriceBookService priceBook)
{
    /// <summary>The shortest rate window: Prometheus needs two scrapes in it (the test scrapes every second).</summary>
    private static readonly TimeSpan MinWindow = TimeSpan.FromSeconds(5);

    public async Task<AnalysisRun> RunAsync(Rollout rollout, PrometheusConnection? connection, IReadOnlyList<Slo> slos, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var gates = new List<GateMeasurement>();
        foreach (var gate in rollout.Analysis.Gates)
        {
            if (gate.Metric == GateMetric.CostPer1kInferences)
            {
                gates.Add(await CostAsync(rollout, gate, now, cancellationToken));
                continue;
            }

            if (connection is null)
            {
                gates.Add(Inconclusive(gate, "the cluster has no Prometheus registered"));
                continue;
            }

            try
            {
                gates.Add(await MeasureAsync(rollout, gate, connection, slos, cancellationToken));
            }
            catch (PrometheusUnavailableException ex)
            {
                gates.Add(Inconclusive(gate, $"Prometheus of cluster '{connection.Cluster}' could not be read: {ex.Message}"));
            }
        }

        var verdict = gates.Any(g => g.Verdict == GateVerdict.Fail) ? GateVerdict.Fail
            : gates.Any(g => g.Verdict == GateVerdict.Inconclusive) ? GateVerdict.Inconclusive
            : GateVerdict.Pass;
        return new AnalysisRun(now, rollout.Step, verdict, gates);
    }

    private async Task<GateMeasurement> MeasureAsync(Rollout rollout, AnalysisGate gate, PrometheusConnection connection, IReadOnlyList<Slo> slos,
        CancellationToken cancellationToken)
    {
        var ns = TenantNamespace.For(rollout.Tenant);
        var interval = TimeSpan.FromSeconds(rollout.Analysis.IntervalSeconds);
        var window = interval < MinWindow ? MinWindow : interval;
        var preset = MetricsPresets.For(rollout.Analysis.Metrics);
        switch (gate.Metric)
        {
            case GateMetric.ErrorRate:
            {
                var indicator = new SloIndicator(SloIndicatorKind.Availability, rollout.Analysis.Metrics, null, null);
                var (canary, stable) = await VariantsAsync(rollout, connection, SliReader.AvailabilityQuery(preset, ns, window),
                    samples => SliReader.Ratio(indicator, preset, samples), cancellationToken);
                return AtMost(gate, canary, stable, gate.Max!.Value, "error ratio");
            }

            case GateMetric.LatencyP95:
            {
                var query = $"histogram_quantile(0.95, {SliReader.LatencyQuery(preset, ns, window)})";
                var (canary, stable) = await VariantsAsync(rollout, connection, query,
                    samples => samples.Count == 1 && double.IsFinite(samples[0].Value) ? samples[0].Value / preset.SecondsToLe : null, cancellationToken);
                return AtMost(gate, canary, stable, gate.MaxSeconds!.Value, "95th percentile latency (s)");
            }

            case GateMetric.SloBurnRate:
            {
                var slo = slos.FirstOrDefault(s => s.Name == gate.Slo);
                if (slo is null || slo.Indicator.Kind == SloIndicatorKind.Cost)
                {
                    return Inconclusive(gate, $"the placement has no availability or latency SLO named '{gate.Slo}'");
                }

                var series = MetricsPresets.For(slo.Indicator.Metrics!.Value);
                var query = slo.Indicator.Kind == SloIndicatorKind.Latency
                    ? SliReader.LatencyQuery(series, ns, window)
                    : SliReader.AvailabilityQuery(series, ns, window);
                var allowed = 1 - (slo.Objective / 100);
                var (canary, stable) = await VariantsAsync(rollout, connection, query,
                    samples => SliReader.Ratio(slo.Indicator, series, samples) / allowed, cancellationToken);
                return AtMost(gate, canary, stable, gate.Max!.Value, $"burn rate of SLO '{slo.Name}'");
            }

            default:
            {
                var aggregation = WireNames.Of(gate.Aggregation!.Value);
                var query = $"{aggregation} by (namespace, placement) ({SliReader.ByPlacement($"{{__name__=\"{gate.Name}\",namespace=\"{ns}\"}}")})";
                var (canary, stable) = await VariantsAsync(rollout, connection, query,
                    samples => samples.Count == 1 && double.IsFinite(samples[0].Value) ? samples[0].Value : null, cancellationToken);
                return Custom(gate, canary, stable);
            }
        }
    }

    /// <summary>
    /// Cost per 1,000 inferences of each variant over the current step so far (at least one interval), from the raw usage
    /// events of the placement told apart by <see cref="UsageVariants"/> (the rule the system metering marks the canary's
    /// GPU-seconds by), priced by the price book in force.
    /// </summary>
    private async Task<GateMeasurement> CostAsync(Rollout rollout, AnalysisGate gate, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var interval = TimeSpan.FromSeconds(rollout.Analysis.IntervalSeconds);
        var from = now - rollout.StepStartedAt > interval ? rollout.StepStartedAt : now - interval;
        var slices = await usage.SlicesAsync([rollout.TenantId], [rollout.Placement], from, now, now - from + TimeSpan.FromSeconds(1), cancellationToken);
        var perVariant = CostSliReader.PerThousandInferences(slices, await priceBook.ScheduleAsync(cancellationToken), u => UsageVariants.Of(u.Dimensions))
            .ToDictionary(v => v.Key, v => (double)v.PerThousand, StringComparer.Ordinal);
        double? canary = perVariant.TryGetValue(UsageVariants.Canary, out var c) ? c : null;
        double? stable = perVariant.TryGetValue(UsageVariants.Stable, out var s) ? s : null;
        if (canary is null || stable is null)
        {
            return Inconclusive(gate, "no inferences of both variants in the window (the canary's carry the usage dimension variant=canary)", stable);
        }

        return AtMost(gate, canary, stable, stable.Value * (1 + (gate.MaxIncreasePercent!.Value / 100)), "cost per 1,000 inferences");
    }

    /// <summary>Runs one query and reduces each variant's own samples (its namespace and placement label) to a value.</summary>
    private async Task<(double? Canary, double? Stable)> VariantsAsync(Rollout rollout, PrometheusConnection connection, string query,
        Func<IReadOnlyList<PrometheusSample>, double?> reduce, CancellationToken cancellationToken)
    {
        var samples = await prometheus.QueryAsync(connection, query, cancellationToken);
        var ns = TenantNamespace.For(rollout.Tenant);
        double? Of(string placement) =>
            reduce([.. samples.Where(s => SliReader.Label(s, "namespace") == ns && SliReader.Label(s, "placement") == placement)]);
        return (Of(Rollout.CanaryName(rollout.Placement)), Of(rollout.Placement));
    }

    private static GateMeasurement AtMost(AnalysisGate gate, double? canary, double? stable, double limit, string what) =>
        canary is not { } value ? Inconclusive(gate, $"no {what} of the canary in the window (no requests, or no series)", stable)
        : value > limit ? new(gate.Metric, Name(gate), value, stable, limit, GateVerdict.Fail, $"canary {what} {Text(value)} is above {Text(limit)}")
        : new(gate.Metric, Name(gate), value, stable, limit, GateVerdict.Pass, $"canary {what} {Text(value)} is within {Text(limit)}");

    private static GateMeasurement Custom(AnalysisGate gate, double? canary, double? stable)
    {
        if (canary is not { } value)
        {
            return Inconclusive(gate, $"the canary's pods export no {gate.Name}", stable);
        }

        if (gate.MinRelativeToStable is { } relative && stable is null)
        {
            return Inconclusive(gate, $"the stable pods export no {gate.Name} to compare with", canary);
        }

        var floor = new[] { gate.Min, gate.MinRelativeToStable * stable }.Where(v => v is not null).Select(v => v!.Value).DefaultIfEmpty(double.NegativeInfinity).Max();
        var limit = double.IsNegativeInfinity(floor) ? gate.Max : floor;
        return value < floor ? new(gate.Metric, Name(gate), value, stable, limit, GateVerdict.Fail, $"canary {gate.Name} {Text(value)} is below {Text(floor)}")
            : gate.Max is { } max && value > max ? new(gate.Metric, Name(gate), value, stable, max, GateVerdict.Fail, $"canary {gate.Name} {Text(value)} is above {Text(max)}")
            : new(gate.Metric, Name(gate), value, stable, limit, GateVerdict.Pass, $"canary {gate.Name} {Text(value)} is within its limits");
    }

    private static GateMeasurement Inconclusive(AnalysisGate gate, string reason, double? stable = null) =>
        new(gate.Metric, Name(gate), null, stable, null, GateVerdict.Inconclusive, reason);

    private static string Name(AnalysisGate gate) => gate.Metric switch
    {
        GateMetric.ErrorRate => "error-rate",
        GateMetric.LatencyP95 => "latency-p95",
        GateMetric.SloBurnRate => "slo-burn-rate:" + gate.Slo,
        GateMetric.CostPer1kInferences => "cost-per-1k-inferences",
        _ => "custom:" + gate.Name,
    };

    private static string Text(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);
}
