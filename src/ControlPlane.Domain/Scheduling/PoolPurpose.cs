namespace ControlPlane.Domain.Scheduling;

/// <summary>
/// A workload class a node pool is set up for. A pool may serve several.
/// </summary>
public enum PoolPurpose
{
    /// <summary>Model serving.</summary>
    Inference = 0,

    /// <summary>Latency-sensitive serving; also accepts inference placements.</summary>
    Realtime = 1,

    /// <summary>Training; also accepts batch placements.</summary>
    Training = 2,

    /// <summary>Batch jobs.</summary>
    Batch = 3,
}
