using ControlPlane.Application.Slos;
using ControlPlane.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Infrastructure.Slos;

/// <summary>
/// Claims due SLOs in one statement: the rows are locked with SKIP LOCKED (a concurrent replica takes others or none)
/// and their next evaluation moves one interval ahead before the statement returns, so an SLO is claimed once per interval.
/// </summary>
internal sealed class PostgresSloSchedule(ControlPlaneDbContext db) : ISloSchedule
{
    public async Task<IReadOnlyList<Guid>> ClaimDueAsync(DateTimeOffset now, TimeSpan interval, int batchSize, CancellationToken cancellationToken)
    {
        var next = now + interval;
        return await db.Database.SqlQuery<Guid>(
            $"""
            UPDATE slos s SET next_evaluation_at = {next}
            WHERE s.id IN (
                SELECT c.id FROM slos c WHERE c.next_evaluation_at <= {now}
                ORDER BY c.next_evaluation_at, c.id
                LIMIT {batchSize}
                FOR UPDATE SKIP LOCKED)
            RETURNING s.id AS "Value"
            """).ToListAsync(cancellationToken);
    }
}
