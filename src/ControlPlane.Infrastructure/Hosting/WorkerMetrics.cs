using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ControlPlane.Infrastructure.Hosting;

/// <summary>Failures of the background workers (exported at /metrics as controlplane_worker_failures_total).</summary>
public sealed class WorkerMetrics
{
    private readonly Counter<long> _failures;

    public WorkerMetrics(IMeterFactory meters)
    {
        var meter = meters.Create("ControlPlane");
        _failures = meter.CreateCounter<long>("controlplane.worker.failures", unit: "{failure}",
            description: "Failed steps of background workers, by worker, step and (for per-cluster steps) cluster; each is retried.");
    }

    /// <param name="worker">e.g. cluster-sync, placement-observer, reconciler, metering.</param>
    /// <param name="step">e.g. sync, observe, record, pass.</param>
    /// <param name="cluster">The cluster the step was about, when it was about one.</param>
    public void Failed(string worker, string step, string? cluster)
    {
        var tags = new TagList { { "worker", worker }, { "step", step } };
        if (cluster is not null)
        {
            tags.Add("cluster", cluster);
        }

        _failures.Add(1, tags);
    }
}
