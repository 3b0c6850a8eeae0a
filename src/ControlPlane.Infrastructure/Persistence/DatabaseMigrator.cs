using ControlPlane.Infrastructure.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ControlPlane.Infrastructure.Persistence;

/// <summary>Applies migrations and seeds the operator client: at startup when configured, or as the `migrate` command.</summary>
public sealed class DatabaseMigrator(IServiceScopeFactory scopes, OperatorClientSeeder seeder, IOptions<DatabaseOptions> options,
    ILogger<DatabaseMigrator> logger)
{
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        _ = options.Value; // fails fast, naming the missing setting, before any connection attempt
        using (var scope = scopes.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ControlPlaneDbContext>();
            var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
            await db.Database.MigrateAsync(cancellationToken);
            logger.LogInformation("Database migrated ({Count} migrations applied)", pending.Count);
        }

        await seeder.SeedAsync(cancellationToken);
    }
}
