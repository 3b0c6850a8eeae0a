using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace ControlPlane.Application.Billing;

/// <summary>Meters of usage ingestion and budgets (exported at /metrics under the ControlPlane meter).</summary>
public sealed class BillingMetrics
{
    private readonly Counter<long> _events;
    private readonly Counter<long> _alerts;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _watermarks = new(StringComparer.Ordinal);
    private readonly TimeProvider _clock;

    public BillingMetrics(IMeterFactory meters, TimeProvider clock)
    {
        _clock = clock;
        var meter = meters.Create("ControlPlane");
        _events = meter.CreateCounter<long>("controlplane.usage.events", unit: "{event}",
            description: "Usage events ingested, by outcome (accepted, duplicate, rejected).");
        _alerts = meter.CreateCounter<long>("controlplane.budget.threshold_crossings", unit: "{alert}",
            description: "Budget alert thresholds crossed (each recorded once per tenant, month and threshold).");
        meter.CreateObservableGauge("controlplane.metering.watermark_age",
            () => WatermarkAges(_clock.GetUtcNow()).Select(a => new Measurement<double>(a.Value.TotalSeconds, new KeyValuePair<string, object?>("meter", a.Key))),
            unit: "s", description: "How far behind now each system meter's accrual is (every replica reports what the database says).");
    }

    /// <summary>What the metering worker last read of each meter's watermark (every minute before it is accrued).</summary>
    public void Watermarks(IReadOnlyDictionary<string, DateTimeOffset> watermarks)
    {
        foreach (var (meter, upTo) in watermarks)
        {
            _watermarks[meter] = upTo;
        }
    }

    /// <summary>Per system meter, how long ago its watermark is: usage after it is not accrued (so not billed) yet.</summary>
    public IReadOnlyDictionary<string, TimeSpan> WatermarkAges(DateTimeOffset now) => _watermarks.ToDictionary(w => w.Key, w => now - w.Value);

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
