using System.Diagnostics.Metrics;

namespace ControlPlane.Application.Slos;

/// <summary>
/// controlplane_slo_error_budget_remaining{tenant,slo} and controlplane_slo_burn_rate{tenant,slo,window}, from the
/// evaluations this replica stored (no re-read of every SLO per pass): a replica exports the SLOs it evaluated within
/// <see cref="SloOptions.MetricsRetention"/>, so a deleted SLO's series disappear after it, and with several replicas
/// each SLO is exported by the one(s) that evaluated it lately (aggregate with max by (tenant, slo)).
/// </summary>
public sealed class SloMetrics
{
    private readonly Lock _update = new();
    private volatile IReadOnlyCollection<SloMetricSnapshot> _snapshot = [];

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

    /// <summary>Replaces the series of the SLOs just evaluated and drops those not evaluated since <paramref name="expiredBefore"/>.</summary>
    public void Update(IReadOnlyList<SloMetricSnapshot> evaluated, DateTimeOffset expiredBefore)
    {
        // Passes may overlap (each on its own claimed SLOs): one merge at a time, readers see whole snapshots.
        lock (_update)
        {
            var next = new Dictionary<(string Tenant, string Slo), SloMetricSnapshot>(_snapshot.Count + evaluated.Count);
            foreach (var kept in _snapshot.Where(s => s.EvaluatedAt >= expiredBefore))
            {
                next[(kept.Tenant, kept.Slo)] = kept;
            }

            foreach (var fresh in evaluated)
            {
                next[(fresh.Tenant, fresh.Slo)] = fresh;
            }

            _snapshot = next.Values;
        }
    }
}

/// <summary>One SLO's exported values.</summary>
public sealed record SloMetricSnapshot(string Tenant, string Slo, double? BudgetRemainingRatio, IReadOnlyDictionary<string, double> BurnRates,
    DateTimeOffset EvaluatedAt);
