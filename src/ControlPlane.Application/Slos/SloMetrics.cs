using System.Diagnostics.Metrics;

namespace ControlPlane.Application.Slos;

/// <summary>
/// controlplane_slo_error_budget_remaining{tenant,slo} and controlplane_slo_burn_rate{tenant,slo,window}. Every replica
/// exports what the database holds (refreshed each pass), not only the SLOs it evaluated, so the series agree across
/// replicas and a deleted SLO's series disappear.
/// </summary>
public sealed class SloMetrics
{
    private volatile IReadOnlyList<SloMetricSnapshot> _snapshot = [];

    public SloMetrics(IMeterFactory meters)
    {
        var meter = meters.Create("ControlPlane");
        meter.CreateObservableGauge("controlplane.slo.error_budget_remaining",
            () => _snapshot.Where(s => s.BudgetRemainingRatio is not null).Select(s => new Measurement<double>(s.BudgetRemainingRatio!.Value,
                new KeyValuePair<string, object?>("tenant", s.Tenant), new KeyValuePair<string, object?>("slo", s.Slo))),
            description: "Share of the SLO's error budget left over its window: 1 untouched, 0 spent, negative overspent.");
        meter.CreateObservableGauge("controlplane.slo.burn_rate",
            () => _snapshot.SelectMany(s => s.BurnRates.Select(b => new Measurement<double>(b.Value,
                new KeyValuePair<string, object?>("tenant", s.Tenant), new KeyValuePair<string, object?>("slo", s.Slo),
                new KeyValuePair<string, object?>("window", b.Key)))),
            description: "Error ratio over the window divided by the ratio the objective allows (1: the budget lasts exactly the window).");
    }

    public void Publish(IReadOnlyList<SloMetricSnapshot> snapshot) => _snapshot = snapshot;
}

/// <summary>One SLO's exported values.</summary>
public sealed record SloMetricSnapshot(string Tenant, string Slo, double? BudgetRemainingRatio, IReadOnlyDictionary<string, double> BurnRates);
