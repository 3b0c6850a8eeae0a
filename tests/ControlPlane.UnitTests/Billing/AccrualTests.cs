using ControlPlane.Domain.Billing;
using ControlPlane.Domain.Placements;

namespace ControlPlane.UnitTests.Billing;

public sealed class AccrualTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Running_and_degraded_are_billed_until_the_placement_leaves_them()
    {
        var intervals = Accrual.RunningIntervals(
        [
            (PlacementPhase.Terminating, T0.AddMinutes(30)),
            (PlacementPhase.Pending, T0),
            (PlacementPhase.Running, T0.AddMinutes(2)),
            (PlacementPhase.Degraded, T0.AddMinutes(5)),
            (PlacementPhase.Running, T0.AddMinutes(6)),
            (PlacementPhase.Terminated, T0.AddMinutes(31)),
        ]);

        Assert.Equal([new RunningInterval(T0.AddMinutes(2), T0.AddMinutes(30))], intervals);
    }

    [Fact]
    public void A_placement_still_running_has_an_open_interval()
    {
        var intervals = Accrual.RunningIntervals([(PlacementPhase.Applying, T0), (PlacementPhase.Running, T0.AddSeconds(90))]);

        Assert.Equal([new RunningInterval(T0.AddSeconds(90), null)], intervals);
    }

    [Fact]
    public void Seconds_are_split_per_minute_exactly_and_empty_minutes_left_out()
    {
        var start = T0.AddSeconds(30.25);
        var minutes = Accrual.SecondsPerMinute([new RunningInterval(start, T0.AddMinutes(2).AddSeconds(10))], T0, T0.AddMinutes(4)).ToList();

        Assert.Equal(
        [
            (T0, 29.75m),
            (T0.AddMinutes(1), 60m),
            (T0.AddMinutes(2), 10m),
        ], minutes);
    }

    [Fact]
    public void Splitting_a_window_anywhere_on_a_minute_gives_the_same_total_as_one_window()
    {
        var intervals = new[] { new RunningInterval(T0.AddSeconds(17.5), T0.AddMinutes(7).AddSeconds(3)), new RunningInterval(T0.AddMinutes(9), null) };
        var whole = Accrual.SecondsPerMinute(intervals, T0, T0.AddMinutes(12)).Sum(m => m.Seconds);

        for (var cut = 1; cut < 12; cut++)
        {
            var split = Accrual.SecondsPerMinute(intervals, T0, T0.AddMinutes(cut)).Sum(m => m.Seconds)
                + Accrual.SecondsPerMinute(intervals, T0.AddMinutes(cut), T0.AddMinutes(12)).Sum(m => m.Seconds);
            Assert.Equal(whole, split);
        }

        Assert.Equal(405.5m + 180m, whole);
    }

    [Fact]
    public void Floor_to_minute_drops_seconds_and_offsets()
    {
        Assert.Equal(T0.AddMinutes(3), Accrual.FloorToMinute(new DateTimeOffset(2026, 11, 27, 12, 3, 59, 999, TimeSpan.FromHours(2))));
    }
}
