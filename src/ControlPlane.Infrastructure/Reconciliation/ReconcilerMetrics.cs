using System.Diagnostics.Metrics;

namespace ControlPlane.Infrastructure.Reconciliation;

/// <summary>Meters of the reconciler (exported at /metrics under the ControlPlane meter).</summary>
public sealed class ReconcilerMetrics
{
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _outcomes;
    private long _pending;

    public ReconcilerMetrics(IMeterFactory meters)
    {
        var meter = meters.Create("ControlPlane");
        _duration = meter.CreateHistogram<double>("controlplane.reconcile.duration", unit: "s",
            description: "Time to process one reconcile request against the cluster.");
        _outcomes = meter.CreateCounter<long>("controlplane.reconcile.requests", unit: "{request}",
            description: "Reconcile requests processed, by action and outcome.");
        meter.CreateObservableGauge("controlplane.outbox.pending", () => Interlocked.Read(ref _pending), unit: "{request}",
            description: "Reconcile requests waiting in the outbox.");
    }

    public void Processed(string action, string outcome, TimeSpan duration)
    {
        var tags = new[] { new KeyValuePair<string, object?>("action", action), new KeyValuePair<string, object?>("outcome", outcome) };
        _duration.Record(duration.TotalSeconds, tags);
        _outcomes.Add(1, tags);
    }

    public void SetPending(long pending) => Interlocked.Exchange(ref _pending, pending);
}
