namespace ControlPlane.Application.Placements;

/// <summary>
/// This replica's fleet snapshot, reused across admissions: reading and indexing every pool costs more than the rest of
/// an admission. The cache is never trusted for correctness — capacity is re-checked by the reservation's conditional
/// update, and a refusal on cached data is decided again on a fresh read — so its allocations may lag; it is replaced
/// when the fleet's shape changes (<see cref="IFleetChanges"/>), when a caller found it stale, and at the latest after
/// <see cref="MaxAge"/> (the fallback should a change notification be lost while a replica reconnects).
/// </summary>
public sealed class FleetCache(IFleetChanges changes, TimeProvider clock)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(10);

    private readonly SemaphoreSlim _loading = new(1, 1);
    private Entry? _current;

    public async Task<Fleet> CurrentAsync(Func<CancellationToken, Task<Fleet>> load, Fleet? stale, CancellationToken cancellationToken)
    {
        if (Usable(_current, stale) is { } fresh)
        {
            return fresh;
        }

        // One reader at a time: the others wait for its snapshot instead of each reading the whole fleet.
        await _loading.WaitAsync(cancellationToken);
        try
        {
            if (Usable(_current, stale) is { } loadedMeanwhile)
            {
                return loadedMeanwhile;
            }

            // The version is taken before reading: a change committed during the read raises it again, so it is not lost.
            var version = changes.Version;
            var fleet = await load(cancellationToken);
            _current = new Entry(fleet, version, clock.GetUtcNow());
            return fleet;
        }
        finally
        {
            _loading.Release();
        }
    }

    private Fleet? Usable(Entry? entry, Fleet? stale) =>
        entry is not null && !ReferenceEquals(entry.Fleet, stale) && entry.Version == changes.Version && clock.GetUtcNow() - entry.LoadedAt < MaxAge
            ? entry.Fleet
            : null;

    private sealed record Entry(Fleet Fleet, long Version, DateTimeOffset LoadedAt);
}
