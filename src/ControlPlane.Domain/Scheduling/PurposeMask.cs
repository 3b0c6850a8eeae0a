namespace ControlPlane.Domain.Scheduling;

/// <summary>A set of <see cref="PoolPurpose"/> values as bits, for one-instruction purpose checks.</summary>
[Flags]
internal enum PurposeMask
{
    None = 0,
    Inference = 1 << PoolPurpose.Inference,
    Realtime = 1 << PoolPurpose.Realtime,
    Training = 1 << PoolPurpose.Training,
    Batch = 1 << PoolPurpose.Batch,
}
