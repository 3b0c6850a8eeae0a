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
        // Seconds, so bucket bounds in seconds (the exporter's defaults are meant for milliseconds): from a fast apply to
        // a cluster that times out (15 s per request).
        _duration = meter.CreateHistogram("controlplane.reconcile.duration", unit: "s",
            description: "Time to process one reconcile request against the cluster.", tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] });
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
