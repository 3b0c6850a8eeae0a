namespace ControlPlane.Domain.Scheduling;

/// <summary>
/// What <see cref="PlacementScheduler"/> reads of a node pool, copied into one flat struct when a
/// <see cref="FleetSnapshot"/> is built, so that a decision walks a contiguous array instead of object graphs.
/// </summary>
internal readonly struct PoolFacts
{
    public required int ClusterIndex { get; init; }

    /// <summary>Index of the pool's GPU model in <see cref="FleetSnapshot"/>'s case-insensitive model table.</summary>
    public required int ModelId { get; init; }

    public required PurposeMask Purposes { get; init; }

    public required bool Spot { get; init; }

    /// <summary>The pool declares sandbox runtime classes, so only strong-tier placements run on it.</summary>
    public required bool SandboxOnly { get; init; }

    public required string? DedicatedTenant { get; init; }

    public required int GpusPerNode { get; init; }

    public required int NodeCount { get; init; }

    public required int AllocatedGpus { get; init; }

    public required decimal PricePerGpuHour { get; init; }

    /// <summary>Ids of the MIG profiles offered, parallel to <see cref="NodePoolSnapshot.MigProfiles"/>; null when none.</summary>
    public required int[]? MigProfileIds { get; init; }
}
