using System.Diagnostics.Metrics;

namespace ControlPlane.Application.Billing;

/// <summary>Meters of usage ingestion and budgets (exported at /metrics under the ControlPlane meter).</summary>
public sealed class BillingMetrics
{
    private readonly Counter<long> _events;
    private readonly Counter<long> _alerts;

    public BillingMetrics(IMeterFactory meters)
    {
        var meter = meters.Create("ControlPlane");
        _events = meter.CreateCounter<long>("controlplane.usage.events", unit: "{event}",
            description: "Usage events ingested, by outcome (accepted, duplicate, rejected).");
        _alerts = meter.CreateCounter<long>("controlplane.budget.threshold_crossings", unit: "{alert}",
            description: "Budget alert thresholds crossed (each recorded once per tenant, month and threshold).");
    }

    public void Ingested(int accepted, int duplicates, int rejected)
    {
        Add("accepted", accepted);
        Add("duplicate", duplicates);
        Add("rejected", rejected);
    }

    public void ThresholdCrossed(string tenant, int threshold) => _alerts.Add(1,
        new KeyValuePair<string, object?>("tenant", tenant), new KeyValuePair<string, object?>("threshold", threshold));

    private void Add(string outcome, int count)
    {
        if (count > 0)
        {
            _events.Add(count, new KeyValuePair<string, object?>("outcome", outcome));
        }
    }
}
