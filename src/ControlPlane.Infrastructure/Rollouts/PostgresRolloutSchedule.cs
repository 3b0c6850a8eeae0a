using ControlPlane.Application.Rollouts;
using ControlPlane.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Infrastructure.Rollouts;

/// <summary>
/// Claims due rollouts in one statement, as the SLO schedule does: rows locked with SKIP LOCKED (a concurrent replica
/// takes others or none), their next analysis moved one of their own intervals ahead before the statement returns.
/// </summary>
internal sealed class PostgresRolloutSchedule(ControlPlaneDbContext db) : IRolloutSchedule
{
    public async Task<IReadOnlyList<Guid>> ClaimDueAsync(DateTimeOffset now, int batchSize, CancellationToken cancellationToken) =>
        await db.Database.SqlQuery<Guid>(
            $"""
            UPDATE rollouts r SET next_analysis_at = {now} + make_interval(secs => (r.analysis->>'intervalSeconds')::int)
            WHERE r.id IN (
                SELECT c.id FROM rollouts c WHERE c.phase = 'Progressing' AND c.next_analysis_at <= {now}
                ORDER BY c.next_analysis_at, c.id
                LIMIT {batchSize}
                FOR UPDATE SKIP LOCKED)
            RETURNING r.id AS "Value"
            """).ToListAsync(cancellationToken);
}
