using ControlPlane.Application.Billing;
using ControlPlane.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Infrastructure.Billing;

internal sealed class PostgresPriceBookWriters(ControlPlaneDbContext db) : IPriceBookWriters
{
    // SHARE ROW EXCLUSIVE conflicts with itself and with writes, not with plain reads: statements keep pricing meanwhile.
    public async Task TakeTurnAsync(CancellationToken cancellationToken) =>
        await db.Database.ExecuteSqlAsync($"LOCK TABLE price_books IN SHARE ROW EXCLUSIVE MODE", cancellationToken);
}
