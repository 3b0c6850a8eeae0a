namespace ControlPlane.Domain.Scheduling;

/// <summary>
/// Classification of <see cref="RejectionCode"/> values (their wire names come from <see cref="Common.WireNames"/>).
/// </summary>
public static class RejectionCodeExtensions
{
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
