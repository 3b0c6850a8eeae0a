namespace ControlPlane.Domain.Scheduling;

/// <summary>
/// How a node pool's machines are bought.
/// </summary>
public enum CapacityType
{
    /// <summary>Regular capacity that is not reclaimed.</summary>
    OnDemand = 0,

    /// <summary>Reclaimable capacity; only for interruptible requests.</summary>
    Spot = 1,
}
