using ControlPlane.Domain.Placements;

namespace ControlPlane.Domain.Billing;

/// <summary>A span of time a placement held running GPUs; <see cref="End"/> is null while it still does.</summary>
public sealed record RunningInterval(DateTimeOffset Start, DateTimeOffset? End);

/// <summary>Turns lifecycles into per-minute quantities, so accrual can resume at any minute without gap or overlap.</summary>
public static class Accrual
{
    /// <summary>Phases in which a placement's GPUs are running and billed.</summary>
    public static bool IsBilled(PlacementPhase phase) => phase is PlacementPhase.Running or PlacementPhase.Degraded;

    /// <summary>The billed intervals of a placement from its transitions (in any order).</summary>
    public static IReadOnlyList<RunningInterval> RunningIntervals(IEnumerable<(PlacementPhase Phase, DateTimeOffset At)> transitions)
    {
        var intervals = new List<RunningInterval>();
        DateTimeOffset? start = null;
        foreach (var (phase, at) in transitions.OrderBy(t => t.At))
        {
            if (IsBilled(phase))
            {
                start ??= at;
            }
            else if (start is { } s)
            {
                intervals.Add(new RunningInterval(s, at));
                start = null;
            }
        }

        if (start is { } open)
        {
            intervals.Add(new RunningInterval(open, null));
        }

        return intervals;
    }

    /// <summary>
    /// Replica-seconds of [<paramref name="from"/>, <paramref name="to"/>) per whole minute, from readiness reports: each
    /// report's count holds until the next report, the last one until <paramref name="end"/> (open while null); nothing
    /// counts at or after <paramref name="end"/>, even a report that arrived later. Minutes with nothing are left out.
    /// </summary>
    public static IEnumerable<(DateTimeOffset Minute, decimal ReplicaSeconds)> ReadySecondsPerMinute(
        IEnumerable<(DateTimeOffset At, int Ready)> reports, DateTimeOffset? end, DateTimeOffset from, DateTimeOffset to)
    {
        var ordered = reports.OrderBy(r => r.At).ToList();
        var held = new List<(RunningInterval Interval, int Ready)>();
        for (var i = 0; i < ordered.Count && (end is not { } last || ordered[i].At < last); i++)
        {
            var until = i + 1 < ordered.Count ? ordered[i + 1].At : end;
            if (until is { } u && end is { } e && u > e)
            {
                until = e;
            }

            if (ordered[i].Ready > 0)
            {
                held.Add((new RunningInterval(ordered[i].At, until), ordered[i].Ready));
            }
        }

        return held.GroupBy(h => h.Ready)
            .SelectMany(g => SecondsPerMinute([.. g.Select(h => h.Interval)], from, to).Select(m => (m.Minute, Seconds: m.Seconds * g.Key)))
            .GroupBy(m => m.Minute)
            .OrderBy(g => g.Key)
            .Select(g => (g.Key, g.Sum(m => m.Seconds)));
    }

    public static DateTimeOffset FloorToMinute(DateTimeOffset at) =>
        new(at.UtcTicks - (at.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero);

    /// <summary>
    /// Seconds of [<paramref name="from"/>, <paramref name="to"/>) covered by the intervals, per whole minute (both bounds
    /// are minute-aligned); minutes with nothing are left out. Exact to the tick.
    /// </summary>
    public static IEnumerable<(DateTimeOffset Minute, decimal Seconds)> SecondsPerMinute(IReadOnlyList<RunningInterval> intervals,
        DateTimeOffset from, DateTimeOffset to)
    {
        for (var minute = from; minute < to; minute = minute.AddMinutes(1))
        {
            var next = minute.AddMinutes(1);
            long ticks = 0;
            foreach (var interval in intervals)
            {
                var start = interval.Start > minute ? interval.Start : minute;
                var end = interval.End is { } e && e < next ? e : next;
                if (end > start)
                {
                    ticks += (end - start).Ticks;
                }
            }

            if (ticks > 0)
            {
                yield return (minute, ticks / (decimal)TimeSpan.TicksPerSecond);
            }
        }
    }
}
