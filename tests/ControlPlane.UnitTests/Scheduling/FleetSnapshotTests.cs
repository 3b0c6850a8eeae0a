using ControlPlane.Domain.Scheduling;
using static ControlPlane.UnitTests.Scheduling.Fleet;
using ControlPlane.Domain.Tenants;

namespace ControlPlane.UnitTests.Scheduling;

public class FleetSnapshotTests
{
    [Fact]
    public void Pools_and_clusters_are_kept_in_ordinal_name_order()
    {
        var c2 = Cluster("c2");
        var c10 = Cluster("c10");
        var upper = Cluster("C3");

        var fleet = new FleetSnapshot([Pool("b", c2), Pool("a", c10), Pool("x", upper), Pool("a", c2), Pool("B", c2)]);

        Assert.Equal(["C3/x", "c10/a", "c2/B", "c2/a", "c2/b"], fleet.Pools.Select(p => $"{p.Cluster.Name}/{p.Name}"));
        Assert.Equal(["C3", "c10", "c2"], fleet.Clusters.Select(c => c.Name));
    }

    [Fact]
    public void Equal_cluster_snapshots_given_as_separate_objects_count_as_one_cluster()
    {
        var fleet = new FleetSnapshot([Pool("a", Cluster("c1")), Pool("b", Cluster("c1"))]);

        Assert.Single(fleet.Clusters);
    }

    [Fact]
    public void Two_different_snapshots_of_one_cluster_are_refused()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            new FleetSnapshot([Pool("a", Cluster("c1")), Pool("b", Cluster("c1", available: false))]));

        Assert.Equal("pools", error.ParamName);
    }

    [Fact]
    public void A_pool_listed_twice_is_refused()
    {
        var cluster = Cluster();

        var error = Assert.Throws<ArgumentException>(() => new FleetSnapshot([Pool("p", cluster), Pool("q", cluster), Pool("p", cluster)]));

        Assert.Contains("Node pool p appears twice in cluster c1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Null_pool_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new FleetSnapshot([Pool(), null!]));
    }

    [Fact]
    public void One_fleet_serves_many_decisions_with_the_same_results_as_deciding_on_the_list()
    {
        var pools = RandomFleet(seed: 3, clusters: 6, poolsPerCluster: 15);
        var fleet = new FleetSnapshot(pools);
        SchedulingRequest[] requests =
        [
            Request(replicas: 2, interruptible: true),
            Request(tier: IsolationTier.Strong, kind: PlacementKind.Training, gpu: GpuRequest.WholeGpus("a100", 4)),
            Request(tenant: "globex", tier: IsolationTier.Physical, kind: PlacementKind.Batch),
        ];

        foreach (var request in requests)
        {
            var fromFleet = PlacementScheduler.Decide(request, fleet);
            var fromList = PlacementScheduler.Decide(request, pools);

            Assert.Equal(fromList.Outcome, fromFleet.Outcome);
            Assert.Equal(fromList.Chosen, fromFleet.Chosen);
            Assert.Equal(
                fromList.Candidates.Select(c => (c.Cluster, c.NodePool, c.ReasonCode, c.Score, c.Reason)),
                fromFleet.Candidates.Select(c => (c.Cluster, c.NodePool, c.ReasonCode, c.Score, c.Reason)));
        }
    }

    [Fact]
    public void Model_and_profile_names_unknown_to_the_fleet_are_refused_per_pool()
    {
        var fleet = new FleetSnapshot([Pool() with { MigProfiles = [new MigProfileCapacity("1g.10gb", 7)] }]);

        var model = PlacementScheduler.Decide(Request(gpu: GpuRequest.WholeGpus("b200", 1)), fleet);
        var profile = PlacementScheduler.Decide(Request(gpu: GpuRequest.Mig("7g.80gb")), fleet);

        Assert.Equal(RejectionCode.GpuModelMismatch, Only(model).ReasonCode);
        Assert.Equal(RejectionCode.MigProfileNotOffered, Only(profile).ReasonCode);
    }
}
