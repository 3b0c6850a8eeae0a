using ControlPlane.Domain.Slos;

namespace ControlPlane.Application.Slos;

/// <summary>
/// A tenant's SLO row, locked until the transaction ends. The evaluator rewrites every SLO's status each interval; a
/// caller's change (PUT, DELETE) waits for that write instead of failing on the row's concurrency token with a 412 the
/// caller never asked for (no If-Match).
/// </summary>
public interface ISloLocks
{
    Task<Slo?> LockAsync(Guid tenantId, string name, CancellationToken cancellationToken);
}
