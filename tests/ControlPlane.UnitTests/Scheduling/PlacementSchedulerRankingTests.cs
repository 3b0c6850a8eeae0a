using ControlPlane.Domain.Scheduling;
using static ControlPlane.UnitTests.Scheduling.Fleet;

namespace ControlPlane.UnitTests.Scheduling;

public class PlacementSchedulerRankingTests
{
    [Fact]
    public void Cheapest_pool_wins()
    {
        var pools = new[] { Pool("pricey", pricePerGpuHour: 3.10m), Pool("cheap", pricePerGpuHour: 2.90m), Pool("mid", pricePerGpuHour: 3.00m) };

        var decision = PlacementScheduler.Decide(Request(), pools);

        Assert.Equal("cheap", decision.Chosen!.NodePool);
        Assert.Equal(["cheap", "mid", "pricey"], decision.Candidates.Select(c => c.NodePool));
        Assert.Equal([1, 2, 3], decision.Candidates.Select(c => c.Score!.Value.Rank));
    }

    [Fact]
    public void Hourly_price_covers_every_gpu_of_every_replica()
    {
        var decision = PlacementScheduler.Decide(
            Request(gpu: GpuRequest.WholeGpus("h100", 4), replicas: 3),
            [Pool(pricePerGpuHour: 2.35m, nodeCount: 4)]);

        Assert.Equal(28.20m, decision.Chosen!.HourlyPrice);
        Assert.Equal(28.20m, Only(decision).Score!.Value.HourlyPrice);
    }

    [Fact]
    public void Mig_slice_is_priced_as_its_share_of_a_gpu()
    {
        // 3.50 per GPU-hour, 7 slices per GPU: 0.50 a slice; 3 slices = 1.50.
        var pool = Pool(pricePerGpuHour: 3.50m) with { MigProfiles = [new MigProfileCapacity("1g.10gb", 7)] };

        var decision = PlacementScheduler.Decide(Request(gpu: GpuRequest.Mig("1g.10gb"), replicas: 3), [pool]);

        Assert.Equal(1.50m, decision.Chosen!.HourlyPrice);
    }

    [Fact]
    public void Mig_pools_are_compared_by_slice_price_not_gpu_price()
    {
        // a100: 2.00 / 7 = 0.2857 a slice; h100: 3.00 / 4 = 0.75 a slice... but h100 cut in 14: 3.00 / 14 = 0.2142.
        var a100 = Pool("a100", gpuModel: "a100", pricePerGpuHour: 2.00m) with { MigProfiles = [new MigProfileCapacity("small", 7)] };
        var h100 = Pool("h100", gpuModel: "h100", pricePerGpuHour: 3.00m) with { MigProfiles = [new MigProfileCapacity("small", 14)] };

        var decision = PlacementScheduler.Decide(Request(gpu: GpuRequest.Mig("small")), [a100, h100]);

        Assert.Equal("h100", decision.Chosen!.NodePool);
        Assert.Equal(3.00m / 14, decision.Chosen.HourlyPrice);
    }

    [Fact]
    public void Equal_price_prefers_the_pool_that_is_fuller_after_placement()
    {
        // After placing 2 GPUs: empty16 at 2/16, half at 10/16, nearly-full at 15/16.
        var pools = new[]
        {
            Pool("empty", gpusPerNode: 8, nodeCount: 2, allocatedGpus: 0),
            Pool("nearly-full", gpusPerNode: 8, nodeCount: 2, allocatedGpus: 13),
            Pool("half", gpusPerNode: 8, nodeCount: 2, allocatedGpus: 8),
        };

        var decision = PlacementScheduler.Decide(Request(replicas: 2), pools);

        Assert.Equal(["nearly-full", "half", "empty"], decision.Candidates.Select(c => c.NodePool));
        Assert.Equal(15d / 16, decision.Candidates[0].Score!.Value.UtilisationAfterPlacement);
    }

    [Fact]
    public void Utilisation_is_compared_as_a_share_of_the_pool_not_as_a_gpu_count()
    {
        // small: (3 + 1) / 4 = 100 %; large: (20 + 1) / 32 = 66 %: the small pool is fuller although fewer GPUs are in use.
        var pools = new[]
        {
            Pool("large", gpusPerNode: 8, nodeCount: 4, allocatedGpus: 20),
            Pool("small", gpusPerNode: 4, nodeCount: 1, allocatedGpus: 3),
        };

        var decision = PlacementScheduler.Decide(Request(), pools);

        Assert.Equal("small", decision.Chosen!.NodePool);
    }

    [Fact]
    public void Price_outranks_bin_packing()
    {
        var pools = new[] { Pool("full-but-dear", allocatedGpus: 15, pricePerGpuHour: 2.51m), Pool("empty-but-cheap", pricePerGpuHour: 2.50m) };

        var decision = PlacementScheduler.Decide(Request(), pools);

        Assert.Equal("empty-but-cheap", decision.Chosen!.NodePool);
    }

    [Fact]
    public void Full_ties_are_broken_by_cluster_name_then_pool_name_ordinally()
    {
        var pools = new[]
        {
            Pool("b", Cluster("c2")),
            Pool("a", Cluster("c2")),
            Pool("z", Cluster("C9")), // 'C' sorts before 'c' ordinally
            Pool("b", Cluster("c1")),
        };

        var decision = PlacementScheduler.Decide(Request(), pools);

        Assert.Equal(["C9/z", "c1/b", "c2/a", "c2/b"], decision.Candidates.Select(c => $"{c.Cluster}/{c.NodePool}"));
        Assert.Equal(new PlacementChoice("C9", "z", null, 2.50m), decision.Chosen);
    }

    [Fact]
    public void Candidates_list_chosen_first_then_accepted_by_rank_then_rejected_by_name()
    {
        var pools = new[]
        {
            Pool("z-wrong-model", Cluster("c0"), gpuModel: "a100"),
            Pool("second", Cluster("c2"), pricePerGpuHour: 3m),
            Pool("a-spot", Cluster("c1")) with { CapacityType = CapacityType.Spot },
            Pool("best", Cluster("c3"), pricePerGpuHour: 2m),
            Pool("a-full", Cluster("c0"), nodeCount: 1, allocatedGpus: 8),
        };

        var decision = PlacementScheduler.Decide(Request(), pools);

        Assert.Equal(
            ["c3/best", "c2/second", "c0/a-full", "c0/z-wrong-model", "c1/a-spot"],
            decision.Candidates.Select(c => $"{c.Cluster}/{c.NodePool}"));
        Assert.Equal([true, true, false, false, false], decision.Candidates.Select(c => c.Accepted));
        Assert.All(decision.Candidates.Where(c => !c.Accepted), c => Assert.Null(c.Score));
    }
}
