using ControlPlane.Domain.Clusters;

namespace ControlPlane.Application.Clusters;

/// <summary>Row locks on node pools, so that an operator's change waits for admissions on the pool instead of racing them.</summary>
public interface INodePoolLocks
{
    /// <summary>The pool, tracked and locked until the transaction ends; null when none.</summary>
    Task<NodePool?> LockAsync(Guid clusterId, string name, CancellationToken cancellationToken);
}
