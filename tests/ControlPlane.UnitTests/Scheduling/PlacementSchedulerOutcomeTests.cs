using ControlPlane.Domain.Scheduling;
using static ControlPlane.UnitTests.Scheduling.Fleet;

namespace ControlPlane.UnitTests.Scheduling;

public class PlacementSchedulerOutcomeTests
{
    [Fact]
    public void No_pools_at_all_is_impossible()
    {
        var decision = PlacementScheduler.Decide(Request(), []);

        Assert.Equal(SchedulingOutcome.Impossible, decision.Outcome);
        Assert.Null(decision.Chosen);
        Assert.Empty(decision.Candidates);
    }

    [Fact]
    public void Impossible_when_every_pool_is_refused_for_a_lasting_reason()
    {
        var pools = new[]
        {
            Pool("a100", gpuModel: "a100"),
            Pool("spot") with { CapacityType = CapacityType.Spot },
            Pool("tiny", gpusPerNode: 1, nodeCount: 1),
        };

        var decision = PlacementScheduler.Decide(Request(gpu: GpuRequest.WholeGpus("h100", 2)), pools);

        Assert.Equal(SchedulingOutcome.Impossible, decision.Outcome);
        Assert.Null(decision.Chosen);
        Assert.All(decision.Candidates, c => Assert.False(c.ReasonCode!.Value.IsTransient()));
    }

    [Fact]
    public void Not_admissible_now_when_an_otherwise_fitting_pool_is_only_full()
    {
        var pools = new[] { Pool("a100", gpuModel: "a100"), Pool("full", nodeCount: 1, allocatedGpus: 8) };

        var decision = PlacementScheduler.Decide(Request(), pools);

        Assert.Equal(SchedulingOutcome.NotAdmissibleNow, decision.Outcome);
        Assert.Null(decision.Chosen);
        Assert.Equal(RejectionCode.InsufficientCapacity, Candidate(decision, "full").ReasonCode);
    }

    [Fact]
    public void Not_admissible_now_when_the_only_fitting_pool_is_in_an_unavailable_cluster()
    {
        var pools = new[] { Pool("a100", gpuModel: "a100"), Pool("down", Cluster("c2", available: false)) };

        var decision = PlacementScheduler.Decide(Request(), pools);

        Assert.Equal(SchedulingOutcome.NotAdmissibleNow, decision.Outcome);
    }

    [Fact]
    public void Scheduled_when_any_pool_fits_even_if_others_are_full()
    {
        var pools = new[] { Pool("full", nodeCount: 1, allocatedGpus: 8), Pool("free") };

        var decision = PlacementScheduler.Decide(Request(), pools);

        Assert.Equal(SchedulingOutcome.Scheduled, decision.Outcome);
        Assert.Equal("free", decision.Chosen!.NodePool);
    }

    [Fact]
    public void Every_pool_appears_exactly_once_among_the_candidates()
    {
        var pools = RandomFleet(seed: 7, clusters: 12, poolsPerCluster: 25);

        var decision = PlacementScheduler.Decide(Request(replicas: 3, interruptible: true), pools);

        Assert.Equal(pools.Length, decision.Candidates.Count);
        Assert.Equal(
            pools.Select(p => $"{p.Cluster.Name}/{p.Name}").Order(StringComparer.Ordinal),
            decision.Candidates.Select(c => $"{c.Cluster}/{c.NodePool}").Order(StringComparer.Ordinal));
        Assert.All(decision.Candidates, c => Assert.False(string.IsNullOrWhiteSpace(c.Reason)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Shuffled_input_gives_the_same_decision(int seed)
    {
        var pools = RandomFleet(seed: 11, clusters: 10, poolsPerCluster: 30);
        var request = Request(gpu: GpuRequest.WholeGpus("h100", 2), replicas: 2, interruptible: true);
        var shuffled = pools.ToArray();
        new Random(seed).Shuffle(shuffled);

        var expected = PlacementScheduler.Decide(request, pools);
        var actual = PlacementScheduler.Decide(request, shuffled);

        Assert.Equal(SchedulingOutcome.Scheduled, expected.Outcome);
        Assert.Equal(expected.Outcome, actual.Outcome);
        Assert.Equal(expected.Chosen, actual.Chosen);
        Assert.Equal(Describe(expected), Describe(actual));
    }

    [Fact]
    public void Rejected_candidates_are_in_name_order_and_accepted_ones_in_rank_order()
    {
        var pools = RandomFleet(seed: 5, clusters: 8, poolsPerCluster: 20);

        var decision = PlacementScheduler.Decide(Request(replicas: 2, interruptible: true), pools);

        var accepted = decision.Candidates.TakeWhile(c => c.Accepted).ToList();
        var rejected = decision.Candidates.Skip(accepted.Count).ToList();
        Assert.NotEmpty(accepted);
        Assert.NotEmpty(rejected);
        Assert.All(rejected, c => Assert.False(c.Accepted));
        Assert.Equal(Enumerable.Range(1, accepted.Count), accepted.Select(c => c.Score!.Value.Rank));
        Assert.Equal(accepted.Select(c => c.Score!.Value.HourlyPrice).Order(), accepted.Select(c => c.Score!.Value.HourlyPrice));
        var names = rejected.Select(c => (c.Cluster, c.NodePool)).ToList();
        Assert.Equal(
            names.OrderBy(n => n.Cluster, StringComparer.Ordinal).ThenBy(n => n.NodePool, StringComparer.Ordinal),
            names);
    }

    [Fact]
    public void Two_pools_with_the_same_cluster_and_name_are_refused_as_input()
    {
        var cluster = Cluster();

        var error = Assert.Throws<ArgumentException>(() => PlacementScheduler.Decide(Request(), [Pool("p", cluster), Pool("p", cluster)]));

        Assert.Equal("pools", error.ParamName);
    }

    [Fact]
    public void Same_pool_name_in_different_clusters_is_fine()
    {
        var decision = PlacementScheduler.Decide(Request(), [Pool("p", Cluster("c1")), Pool("p", Cluster("c2"))]);

        Assert.Equal(["c1", "c2"], decision.Candidates.Select(c => c.Cluster));
    }

    private static string[] Describe(SchedulingDecision decision) =>
        decision.Candidates
            .Select(c => $"{c.Cluster}/{c.NodePool} {c.Accepted} {c.ReasonCode} {c.RuntimeClass} {c.Score} {c.Reason}")
            .ToArray();
}
