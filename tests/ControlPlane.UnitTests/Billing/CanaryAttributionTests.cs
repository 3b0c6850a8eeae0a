using ControlPlane.Domain.Billing;
using ControlPlane.Domain.Rollouts;

namespace ControlPlane.UnitTests.Billing;

/// <summary>
/// How a canary's GPU-seconds are attributed: its ready replicas per minute from the cluster's reports, until the rollout
/// ended; and which variant a usage record belongs to — the one rule the metering marks by and the cost gate reads by.
/// </summary>
public sealed class CanaryAttributionTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Each_report_holds_until_the_next_and_counts_its_ready_replicas()
    {
        var minutes = Accrual.ReadySecondsPerMinute(
            [(T0.AddSeconds(90), 2), (T0.AddSeconds(20), 1), (T0.AddSeconds(150), 0)], end: null, T0, T0.AddMinutes(4)).ToList();

        // 1 replica 0:20–1:30, 2 replicas 1:30–2:30, none after.
        Assert.Equal([(T0, 40m), (T0.AddMinutes(1), 30m + 2 * 30m), (T0.AddMinutes(2), 2 * 30m)], minutes);
    }

    [Fact]
    public void Nothing_counts_after_the_rollout_ended_even_a_report_that_came_later()
    {
        var end = T0.AddSeconds(75);
        var minutes = Accrual.ReadySecondsPerMinute([(T0, 1), (T0.AddSeconds(100), 3)], end, T0, T0.AddMinutes(3)).ToList();

        Assert.Equal([(T0, 60m), (T0.AddMinutes(1), 15m)], minutes);
    }

    [Fact]
    public void A_canary_still_ready_accrues_to_the_end_of_the_window_and_windows_side_by_side_add_up_exactly()
    {
        IReadOnlyList<(DateTimeOffset, int)> reports = [(T0.AddMinutes(58).AddSeconds(12.5), 2)];
        var whole = Accrual.ReadySecondsPerMinute(reports, null, T0, T0.AddHours(2)).Sum(m => m.ReplicaSeconds);
        // Accrued in two steps across the hour boundary: no minute counted twice, none lost.
        var split = Accrual.ReadySecondsPerMinute(reports, null, T0, T0.AddHours(1)).Sum(m => m.ReplicaSeconds)
            + Accrual.ReadySecondsPerMinute(reports, null, T0.AddHours(1), T0.AddHours(2)).Sum(m => m.ReplicaSeconds);

        Assert.Equal(2 * (3600m + 107.5m), whole);
        Assert.Equal(whole, split);
    }

    [Fact]
    public void Usage_marked_canary_is_the_canarys_and_everything_else_of_the_placement_the_stable_variants()
    {
        Assert.Equal(UsageVariants.Canary, UsageVariants.Of(new Dictionary<string, string> { ["variant"] = "canary", ["gpuModel"] = "h100" }));
        Assert.Equal(UsageVariants.Stable, UsageVariants.Of(new Dictionary<string, string> { ["variant"] = "stable" }));
        Assert.Equal(UsageVariants.Stable, UsageVariants.Of(new Dictionary<string, string> { ["gpuModel"] = "h100" }));
    }

    [Fact]
    public void The_metering_marks_the_canarys_usage_so_that_the_rule_reads_it_back_as_the_canarys()
    {
        var stable = new Dictionary<string, string> { ["gpuModel"] = "h100", ["capacityType"] = "on-demand" };
        var canary = UsageVariants.MarkCanary(stable);

        Assert.Equal(UsageVariants.Canary, UsageVariants.Of(canary));
        Assert.Equal(UsageVariants.Stable, UsageVariants.Of(stable));
        Assert.Equal("capacityType=on-demand\ngpuModel=h100\nvariant=canary", UsageDimensions.KeyOf(canary));
        Assert.True(UsageVariants.IsKnown(UsageVariants.Of(canary)) && !UsageVariants.IsKnown("blue"));
    }

    [Theory]
    [InlineData("chat-canary", "chat")]
    [InlineData("a-canary-canary", "a-canary")]
    [InlineData("-canary", null)]
    [InlineData("chat", null)]
    [InlineData("chat-canary2", null)]
    public void A_name_is_the_canary_of_the_placement_it_extends(string name, string? placement)
    {
        Assert.Equal(placement, Rollout.CanaryOf(name));
        if (placement is not null)
        {
            Assert.Equal(name, Rollout.CanaryName(placement));
        }
    }
}
