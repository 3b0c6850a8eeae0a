namespace ControlPlane.Domain.Scheduling;

/// <summary>
/// What kind of workload is being placed; decides which pool purposes may take it.
/// </summary>
public enum PlacementKind
{
    /// <summary>Serving; runs on <see cref="PoolPurpose.Inference"/> or <see cref="PoolPurpose.Realtime"/> pools.</summary>
    Inference = 0,

    /// <summary>Training; runs on <see cref="PoolPurpose.Training"/> pools.</summary>
    Training = 1,

    /// <summary>Batch jobs; run on <see cref="PoolPurpose.Batch"/> or <see cref="PoolPurpose.Training"/> pools.</summary>
    Batch = 2,
}
