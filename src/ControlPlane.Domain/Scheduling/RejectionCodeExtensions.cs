namespace ControlPlane.Domain.Scheduling;

/// <summary>
/// Wire names and classification of <see cref="RejectionCode"/> values.
/// </summary>
public static class RejectionCodeExtensions
{
    /// <summary>The kebab-case wire name, e.g. <c>gpu-model-mismatch</c>; the same as the JSON serialization.</summary>
    public static string ToWireName(this RejectionCode code) => code switch
    {
        RejectionCode.GpuModelMismatch => "gpu-model-mismatch",
        RejectionCode.MigProfileNotOffered => "mig-profile-not-offered",
        RejectionCode.MigCapacityExhausted => "mig-capacity-exhausted",
        RejectionCode.IsolationTierMismatch => "isolation-tier-mismatch",
        RejectionCode.SandboxRuntimeUnsupported => "sandbox-runtime-unsupported",
        RejectionCode.DedicatedToAnotherTenant => "dedicated-to-another-tenant",
        RejectionCode.ClusterNotDedicated => "cluster-not-dedicated",
        RejectionCode.RegionNotAllowed => "region-not-allowed",
        RejectionCode.PurposeMismatch => "purpose-mismatch",
        RejectionCode.SpotNotAllowed => "spot-not-allowed",
        RejectionCode.InsufficientCapacity => "insufficient-capacity",
        RejectionCode.ClusterUnavailable => "cluster-unavailable",
        RejectionCode.ReplicaExceedsNodeSize => "replica-exceeds-node-size",
        RejectionCode.RequestExceedsPoolSize => "request-exceeds-pool-size",
        RejectionCode.RuntimeClassMissing => "runtime-class-missing",
        _ => throw new ArgumentOutOfRangeException(nameof(code), code, "Unknown rejection code."),
    };

    /// <summary>
    /// True for refusals that can go away without the request changing: too little free capacity now,
    /// the cluster being unreachable, or a runtime class the cluster's administrator has yet to install. Every other code
    /// is lasting: the pool could never take the request.
    /// </summary>
    public static bool IsTransient(this RejectionCode code) =>
        code is RejectionCode.InsufficientCapacity
            or RejectionCode.MigCapacityExhausted
            or RejectionCode.ClusterUnavailable
            or RejectionCode.RuntimeClassMissing;
}
