using ControlPlane.Application.Abstractions;
using ControlPlane.Domain.Placements;
using ControlPlane.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Infrastructure.Reconciliation;

/// <summary>
/// The outbox as a work queue. Leasing is one statement: FOR UPDATE SKIP LOCKED lets replicas take disjoint rows
/// without waiting on each other, and only the oldest request of a placement is leasable, so an apply and a later
/// delete of the same placement never run at once or out of order.
/// </summary>
internal sealed class PostgresReconcileQueue(ControlPlaneDbContext db, TimeProvider clock) : IReconcileQueue
{
    public async Task<IReadOnlyList<ReconcileRequest>> LeaseAsync(string owner, int batchSize, TimeSpan leaseDuration, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var expires = now + leaseDuration;
        return await db.ReconcileRequests.FromSql(
            $"""
            UPDATE reconcile_requests r
            SET lease_owner = {owner}, lease_expires_at = {expires}, attempts = r.attempts + 1
            WHERE r.id IN (
                SELECT c.id FROM reconcile_requests c
                WHERE c.not_before <= {now}
                  AND (c.lease_expires_at IS NULL OR c.lease_expires_at < {now})
                  AND NOT EXISTS (SELECT 1 FROM reconcile_requests o WHERE o.placement_id = c.placement_id AND o.id < c.id)
                ORDER BY c.id
                LIMIT {batchSize}
                FOR UPDATE SKIP LOCKED)
            RETURNING r.*
            """).AsNoTracking().ToListAsync(cancellationToken);
    }

    public async Task CompleteAsync(long id, string owner, CancellationToken cancellationToken) =>
        await db.Database.ExecuteSqlAsync($"DELETE FROM reconcile_requests WHERE id = {id} AND lease_owner = {owner}", cancellationToken);

    public async Task RetryLaterAsync(long id, string owner, DateTimeOffset notBefore, string error, CancellationToken cancellationToken) =>
        await db.Database.ExecuteSqlAsync(
            $"""
            UPDATE reconcile_requests SET lease_owner = NULL, lease_expires_at = NULL, not_before = {notBefore}, last_error = {error}
            WHERE id = {id} AND lease_owner = {owner}
            """, cancellationToken);
}
