namespace ControlPlane.Application.Placements;

/// <summary>
/// A version of the fleet's shape (clusters and node pools, not their allocations), raised whenever any replica
/// changes it: a cached fleet snapshot read at an older version is stale.
/// </summary>
public interface IFleetChanges
{
    long Version { get; }
}
