namespace ControlPlane.Domain.Scheduling;

/// <summary>
/// Machine-readable reason why a node pool was refused. Serialized in kebab-case
/// (see <see cref="Common.WireNames"/>).
/// </summary>
public enum RejectionCode
{
    /// <summary>The pool has another GPU model than the one requested.</summary>
    GpuModelMismatch = 1,

    /// <summary>The pool does not offer the requested MIG profile.</summary>
    MigProfileNotOffered = 2,

    /// <summary>The pool offers the MIG profile but has too few free slices now.</summary>
    MigCapacityExhausted = 3,

    /// <summary>The pool (or cluster) is not meant for the tenant's isolation tier.</summary>
    IsolationTierMismatch = 4,

    /// <summary>The pool only offers gVisor runtime classes, which refuse MIG and multi-GPU replicas.</summary>
    SandboxRuntimeUnsupported = 5,

    /// <summary>The pool or its cluster is dedicated to another tenant.</summary>
    DedicatedToAnotherTenant = 6,

    /// <summary>Physical tier: the cluster is not dedicated to the tenant.</summary>
    ClusterNotDedicated = 7,

    /// <summary>The cluster's region is not among the allowed regions.</summary>
    RegionNotAllowed = 8,

    /// <summary>The pool's purposes do not cover the placement kind.</summary>
    PurposeMismatch = 9,

    /// <summary>A spot pool, and the request is not interruptible.</summary>
    SpotNotAllowed = 10,

    /// <summary>The pool has too few free GPUs now.</summary>
    InsufficientCapacity = 11,

    /// <summary>The cluster is unreachable or disabled.</summary>
    ClusterUnavailable = 12,

    /// <summary>One replica needs more GPUs (or MIG slices) than a single node of the pool has.</summary>
    ReplicaExceedsNodeSize = 13,

    /// <summary>The request needs more GPUs (or MIG slices) than the whole pool has, even empty.</summary>
    RequestExceedsPoolSize = 14,

    /// <summary>The cluster has no RuntimeClass object for the pool's sandbox runtime class (capacity sync saw it missing).</summary>
    RuntimeClassMissing = 15,
}
