using System.Globalization;
using ControlPlane.Domain.Slos;
using ControlPlane.Domain.Tenants;

namespace ControlPlane.Application.Slos;

/// <summary>One Prometheus rule: a recording rule (Record) or an alerting rule (Alert).</summary>
public sealed record PrometheusRuleEntry(string? Record, string? Alert, string Expr, IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string>? Annotations = null);

/// <summary>A named group of rules, as in a Prometheus rules file and a PrometheusRule's spec.groups.</summary>
public sealed record PrometheusRuleGroup(string Name, string? Interval, IReadOnlyList<PrometheusRuleEntry> Rules);

/// <summary>
/// Turns an SLO into Prometheus rules, Sloth/Pyrra style: one recording rule of the error ratio per burn-rate window
/// (and the SLO's own window), then the multi-window multi-burn-rate alerts over them. Every selector is built here
/// from the preset and confined to the placement's namespace and pods; nothing a tenant sends reaches a query.
/// </summary>
public static class SloRules
{
    public const string AlertName = "SloErrorBudgetBurn";

    public static string ErrorRatioRecord(TimeSpan window) => "slo:sli_error:ratio_rate" + SloWindow.Format(window);

    /// <summary>The groups for <paramref name="slo"/>; none for a cost SLO (it is measured from metering, not Prometheus).</summary>
    public static IReadOnlyList<PrometheusRuleGroup> For(Slo slo)
    {
        if (slo.Indicator.Kind == SloIndicatorKind.Cost)
        {
            return [];
        }

        var labels = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["tenant"] = slo.Tenant, ["placement"] = slo.Placement, ["slo"] = slo.Name,
        };
        var windows = BurnRateWindows.For(slo.WindowDuration).Append(slo.WindowDuration).Distinct().ToList();
        var recordings = windows.Select(w => new PrometheusRuleEntry(ErrorRatioRecord(w), null, ErrorRatioExpr(slo, w), labels)).ToList();

        var allowed = (1 - (slo.Objective / 100)).ToString("0.##########", CultureInfo.InvariantCulture);
        var selector = "{" + string.Join(",", labels.Select(l => $"{l.Key}=\"{l.Value}\"")) + "}";
        var alerts = BurnRateWindows.AlertsFor(slo.WindowDuration).Select(a =>
        {
            var factor = a.Factor.ToString("0.####", CultureInfo.InvariantCulture);
            var expr = $"({ErrorRatioRecord(a.Long)}{selector} > ({factor} * {allowed})) and ({ErrorRatioRecord(a.Short)}{selector} > ({factor} * {allowed}))";
            var alertLabels = new SortedDictionary<string, string>(labels, StringComparer.Ordinal)
            {
                ["severity"] = a.Severity == AlertSeverity.Page ? "page" : "ticket", ["burn"] = a.Name,
            };
            return new PrometheusRuleEntry(null, AlertName, expr, alertLabels, new SortedDictionary<string, string>(StringComparer.Ordinal)
            {
                ["summary"] = $"SLO {slo.Name} of {slo.Tenant}/{slo.Placement} burns its error budget {factor}x too fast "
                    + $"over {SloWindow.Format(a.Long)} and {SloWindow.Format(a.Short)}",
            });
        }).ToList();

        var prefix = $"slo-{slo.Tenant}-{slo.Name}";
        return [new PrometheusRuleGroup(prefix + "-recordings", null, recordings), new PrometheusRuleGroup(prefix + "-alerts", null, alerts)];
    }

    /// <summary>The error ratio of one placement over one window; 0 errors when no failure series exist yet.</summary>
    public static string ErrorRatioExpr(Slo slo, TimeSpan window)
    {
        var series = MetricsPresets.For(slo.Indicator.Metrics!.Value);
        var scope = $"namespace=\"{TenantNamespace.For(slo.Tenant)}\",pod=~\"{MetricsPresets.PodRegex(slo.Placement)}\"";
        var range = SloWindow.Format(window);
        if (slo.Indicator.Kind == SloIndicatorKind.Latency)
        {
            var good = $"sum(rate({series.BucketMetric}{{{scope},le=~\"{series.LeRegex(slo.Indicator.ThresholdSeconds!.Value)}\"}}[{range}]))";
            var all = $"sum(rate({series.BucketMetric}{{{scope},le=\"+Inf\"}}[{range}]))";
            return $"1 - ({good} / {all})";
        }

        return $"(sum(rate({Select(series.ErrorSelector, scope)}[{range}])) or vector(0)) / sum(rate({Select(series.TotalSelector, scope)}[{range}]))";
    }

    internal static string Select(SeriesSelector selector, string scope) =>
        $"{{__name__=~\"{selector.NameRegex}\",{scope}{(selector.Matcher is null ? "" : "," + selector.Matcher)}}}";
}
