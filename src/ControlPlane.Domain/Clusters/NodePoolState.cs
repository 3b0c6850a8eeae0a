namespace ControlPlane.Domain.Clusters;

/// <summary>Whether the scheduler may place on a pool, as the last capacity sync found its cluster.</summary>
public enum NodePoolState
{
    /// <summary>Placements may be scheduled on it.</summary>
    Schedulable,

    /// <summary>The cluster lacks something its pods need (a runtime class); the scheduler skips it and says why.</summary>
    Unschedulable,
}
