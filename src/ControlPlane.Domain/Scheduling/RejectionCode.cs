using System.Text.Json.Serialization;

namespace ControlPlane.Domain.Scheduling;

/// <summary>
/// Machine-readable reason why a node pool was refused. Serialized in kebab-case
/// (see <see cref="RejectionCodeExtensions.ToWireName"/>).
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<RejectionCode>))]
public enum RejectionCode
{
    /// <summary>The pool has another GPU model than the one requested.</summary>
    [JsonStringEnumMemberName("gpu-model-mismatch")]
    GpuModelMismatch = 1,

    /// <summary>The pool does not offer the requested MIG profile.</summary>
    [JsonStringEnumMemberName("mig-profile-not-offered")]
    MigProfileNotOffered = 2,

    /// <summary>The pool offers the MIG profile but has too few free slices now.</summary>
    [JsonStringEnumMemberName("mig-capacity-exhausted")]
    MigCapacityExhausted = 3,

    /// <summary>The pool (or cluster) is not meant for the tenant's isolation tier.</summary>
    [JsonStringEnumMemberName("isolation-tier-mismatch")]
    IsolationTierMismatch = 4,

    /// <summary>The pool only offers gVisor runtime classes, which refuse MIG and multi-GPU replicas.</summary>
    [JsonStringEnumMemberName("sandbox-runtime-unsupported")]
    SandboxRuntimeUnsupported = 5,

    /// <summary>The pool or its cluster is dedicated to another tenant.</summary>
    [JsonStringEnumMemberName("dedicated-to-another-tenant")]
    DedicatedToAnotherTenant = 6,

    /// <summary>Physical tier: the cluster is not dedicated to the tenant.</summary>
    [JsonStringEnumMemberName("cluster-not-dedicated")]
    ClusterNotDedicated = 7,

    /// <summary>The cluster's region is not among the allowed regions.</summary>
    [JsonStringEnumMemberName("region-not-allowed")]
    RegionNotAllowed = 8,

    /// <summary>The pool's purposes do not cover the placement kind.</summary>
    [JsonStringEnumMemberName("purpose-mismatch")]
    PurposeMismatch = 9,

    /// <summary>A spot pool, and the request is not interruptible.</summary>
    [JsonStringEnumMemberName("spot-not-allowed")]
    SpotNotAllowed = 10,

    /// <summary>The pool has too few free GPUs now.</summary>
    [JsonStringEnumMemberName("insufficient-capacity")]
    InsufficientCapacity = 11,

    /// <summary>The cluster is unreachable or disabled.</summary>
    [JsonStringEnumMemberName("cluster-unavailable")]
    ClusterUnavailable = 12,

    /// <summary>One replica needs more GPUs (or MIG slices) than a single node of the pool has.</summary>
    [JsonStringEnumMemberName("replica-exceeds-node-size")]
    ReplicaExceedsNodeSize = 13,

    /// <summary>The request needs more GPUs (or MIG slices) than the whole pool has, even empty.</summary>
    [JsonStringEnumMemberName("request-exceeds-pool-size")]
    RequestExceedsPoolSize = 14,

    /// <summary>The cluster has no RuntimeClass object for the pool's sandbox runtime class (capacity sync saw it missing).</summary>
    [JsonStringEnumMemberName("runtime-class-missing")]
    RuntimeClassMissing = 15,
}
