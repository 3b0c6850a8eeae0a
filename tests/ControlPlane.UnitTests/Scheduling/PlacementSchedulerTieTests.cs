using ControlPlane.Domain.Scheduling;
using static ControlPlane.UnitTests.Scheduling.Fleet;

namespace ControlPlane.UnitTests.Scheduling;

public class PlacementSchedulerTieTests
{
    private static readonly NodePoolSnapshot[] Equals4 = [Pool("a"), Pool("b"), Pool("c"), Pool("d")];

    [Fact]
    public void Placements_spread_over_pools_equal_on_price_and_packing()
    {
        var chosen = Enumerable.Range(0, 200)
            .Select(i => PlacementScheduler.Decide(Request() with { TieBreaker = $"t/p{i}" }, Equals4).Chosen!.NodePool)
            .CountBy(pool => pool).ToDictionary();

        Assert.Equal(["a", "b", "c", "d"], chosen.Keys.Order());
        Assert.All(chosen.Values, count => Assert.InRange(count, 25, 75)); // 50 each if the hash were perfectly even
    }

    [Fact]
    public void The_same_placement_always_gets_the_same_pool_and_the_reason_says_it_was_a_tie()
    {
        var first = PlacementScheduler.Decide(Request() with { TieBreaker = "t/llm" }, Equals4);
        var again = PlacementScheduler.Decide(Request() with { TieBreaker = "t/llm" }, Equals4.Reverse());

        Assert.Equal(first.Chosen!.NodePool, again.Chosen!.NodePool);
        var reason = Candidate(first, first.Chosen.NodePool).Reason;
        Assert.Contains("equal on price and packing with 3 other pool(s)", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Ties_never_override_price_or_packing_and_without_a_tie_breaker_name_order_decides()
    {
        var cheaper = Pool("z-cheap", pricePerGpuHour: 1.00m);
        Assert.All(Enumerable.Range(0, 50), i =>
            Assert.Equal("z-cheap", PlacementScheduler.Decide(Request() with { TieBreaker = $"t/p{i}" }, [.. Equals4, cheaper]).Chosen!.NodePool));

        var untied = PlacementScheduler.Decide(Request(), Equals4);
        Assert.Equal("a", untied.Chosen!.NodePool);
        Assert.DoesNotContain("equal on price", Candidate(untied, "a").Reason, StringComparison.Ordinal);
    }
}
