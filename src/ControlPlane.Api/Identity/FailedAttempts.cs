using System.Collections.Concurrent;

namespace ControlPlane.Api.Identity;

/// <summary>
/// Failed attempts per key in fixed windows: after <c>limit</c> failures a key is blocked until its window ends.
/// In memory, per replica; the number of keys is bounded (expired windows are swept when it is reached, and beyond
/// it new keys are not tracked rather than the process growing without end).
/// </summary>
internal sealed class FailedAttempts(int limit, TimeSpan window, TimeProvider clock)
{
    private const int MaxKeys = 100_000;

    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);

    /// <summary>How long <paramref name="key"/> stays blocked, or null when it may try.</summary>
    public TimeSpan? BlockedFor(string key)
    {
        var now = clock.GetUtcNow();
        if (!_windows.TryGetValue(key, out var current))
        {
            return null;
        }

        lock (current)
        {
            var remaining = current.Start + window - now;
            return current.Failures >= limit && remaining > TimeSpan.Zero ? remaining : null;
        }
    }

    public void Record(string key)
    {
        var now = clock.GetUtcNow();
        if (_windows.Count >= MaxKeys)
        {
            Sweep(now);
            if (_windows.Count >= MaxKeys)
            {
                return;
            }
        }

        var current = _windows.GetOrAdd(key, _ => new Window { Start = now });
        lock (current)
        {
            if (current.Start + window <= now)
            {
                (current.Start, current.Failures) = (now, 0);
            }

            current.Failures++;
        }
    }

    private void Sweep(DateTimeOffset now)
    {
        foreach (var (key, entry) in _windows)
        {
            if (entry.Start + window <= now)
            {
                _windows.TryRemove(key, out _);
            }
        }
    }

    private sealed class Window
    {
        public DateTimeOffset Start { get; set; }
        public int Failures { get; set; }
    }
}
