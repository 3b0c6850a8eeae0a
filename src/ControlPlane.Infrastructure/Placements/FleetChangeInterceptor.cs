using System.Runtime.CompilerServices;
using ControlPlane.Domain.Clusters;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ControlPlane.Infrastructure.Placements;

/// <summary>
/// Announces every saved change to a cluster or node pool (registration, reshaping, observed capacity, reachability,
/// removal) to all replicas' fleet caches: a NOTIFY on the saving connection, which PostgreSQL delivers when the change
/// commits (at once when the save ran in its own transaction). Allocations are not announced: they change with every
/// admission, through conditional updates that never trust the cache.
/// </summary>
internal sealed class FleetChangeInterceptor(FleetChangeNotices notices) : SaveChangesInterceptor
{
    private static readonly ConditionalWeakTable<DbContext, object> Changing = [];

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } context && context.ChangeTracker.Entries()
                .Any(e => e.Entity is Cluster or NodePool && e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted))
        {
            Changing.AddOrUpdate(context, Changing);
        }

        return ValueTask.FromResult(result);
    }

    public override async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result,
        CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } context && Changing.Remove(context))
        {
            notices.Raise();
            await context.Database.ExecuteSqlAsync($"SELECT pg_notify({FleetChangeNotices.Channel}, '')", cancellationToken);
        }

        return result;
    }

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } context)
        {
            Changing.Remove(context);
        }

        return Task.CompletedTask;
    }
}
