using ControlPlane.Infrastructure.Persistence;
using Microsoft.Extensions.Options;

namespace ControlPlane.Api.Hosting;

internal static class DatabaseStartup
{
    /// <summary>
    /// Migrates and seeds when Database:MigrateOnStartup is set. Never during the build-time OpenAPI generation,
    /// which runs this program without a database (its entry assembly is then GetDocument.Insider).
    /// </summary>
    public static async Task PrepareDatabaseAsync(this WebApplication app)
    {
        if (!DocumentGeneration.IsRunning && app.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value.MigrateOnStartup)
        {
            await app.Services.GetRequiredService<DatabaseMigrator>().MigrateAsync(CancellationToken.None);
        }
    }

    /// <summary>The `migrate` command: apply migrations, seed the operator client, exit.</summary>
    public static async Task MigrateAndExitAsync(this WebApplication app) =>
        await app.Services.GetRequiredService<DatabaseMigrator>().MigrateAsync(CancellationToken.None);
}
