using ControlPlane.Application.Billing;
using ControlPlane.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Infrastructure.Billing;

internal sealed class PostgresBudgetAlertLog(ControlPlaneDbContext db) : IBudgetAlertLog
{
    // The unique (tenant, month, threshold) key decides between replicas evaluating the same budget at once.
    public async Task<bool> RecordOnceAsync(Guid tenantId, DateOnly month, int threshold, decimal spend, DateTimeOffset at,
        CancellationToken cancellationToken) =>
        await db.Database.ExecuteSqlAsync(
            $"INSERT INTO budget_alerts (tenant_id, month, threshold, spend, at) VALUES ({tenantId}, {month}, {threshold}, {spend}, {at}) ON CONFLICT DO NOTHING",
            cancellationToken) == 1;
}
