using ControlPlane.Domain.Quotas;

namespace ControlPlane.Application.Quotas;

/// <summary>Row locks on a tenant's quota rows, taken in resource-name order like every reservation (no deadlocks).</summary>
public interface IQuotaLocks
{
    /// <summary>The rows of <paramref name="resources"/> (all of the tenant's when null), tracked and locked until the transaction ends.</summary>
    Task<Dictionary<string, Quota>> LockAsync(Guid tenantId, IReadOnlyCollection<string>? resources, CancellationToken cancellationToken);
}
