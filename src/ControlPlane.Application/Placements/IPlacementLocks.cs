using ControlPlane.Domain.Placements;

namespace ControlPlane.Application.Placements;

/// <summary>Row locks on placements, for changes that must wait for the reconciler and observer instead of failing on them.</summary>
public interface IPlacementLocks
{
    /// <summary>The tenant's live (not finished) placement of that name, locked until the transaction ends; null when none.</summary>
    Task<Placement?> LockLiveAsync(Guid tenantId, string name, CancellationToken cancellationToken);
}
