using ControlPlane.Domain.Scheduling;
using static ControlPlane.UnitTests.Scheduling.Fleet;

namespace ControlPlane.UnitTests.Scheduling;

public class PlacementSchedulerFilterTests
{
    [Fact]
    public void Fitting_pool_is_accepted_and_chosen()
    {
        var decision = PlacementScheduler.Decide(Request(), [Pool()]);

        Assert.Equal(SchedulingOutcome.Scheduled, decision.Outcome);
        Assert.Equal(new PlacementChoice("c1", "h100-od", null, 2.50m), decision.Chosen);
        var candidate = Only(decision);
        Assert.True(candidate.Accepted);
        Assert.Null(candidate.ReasonCode);
        Assert.Equal("pool h100-od in c1 can take it: 1 of 16 free H100 GPUs, 2.50 per hour, 6.3% allocated after placement", candidate.Reason);
    }

    [Fact]
    public void Gpu_model_mismatch_is_refused_naming_both_models()
    {
        var decision = PlacementScheduler.Decide(Request(gpu: GpuRequest.WholeGpus("h100", 1)), [Pool(gpuModel: "a100")]);

        var candidate = Only(decision);
        Assert.Equal(RejectionCode.GpuModelMismatch, candidate.ReasonCode);
        Assert.Equal("pool h100-od in c1 has A100 GPUs; H100 GPUs are requested", candidate.Reason);
    }

    [Fact]
    public void Gpu_model_is_compared_case_insensitively()
    {
        var decision = PlacementScheduler.Decide(Request(gpu: GpuRequest.WholeGpus("H100", 1)), [Pool(gpuModel: "h100")]);

        Assert.True(Only(decision).Accepted);
    }

    [Fact]
    public void Mig_request_is_refused_by_pool_that_does_not_offer_the_profile()
    {
        var pool = Pool(gpuModel: "a100") with { MigProfiles = [new MigProfileCapacity("2g.20gb", 3)] };

        var decision = PlacementScheduler.Decide(Request(gpu: GpuRequest.Mig("1g.10gb")), [pool, Pool("plain")]);

        var offersOther = Candidate(decision, "h100-od");
        Assert.Equal(RejectionCode.MigProfileNotOffered, offersOther.ReasonCode);
        Assert.Equal("pool h100-od in c1 does not offer MIG profile 1g.10gb (it offers 2g.20gb)", offersOther.Reason);
        var plain = Candidate(decision, "plain");
        Assert.Equal(RejectionCode.MigProfileNotOffered, plain.ReasonCode);
        Assert.Equal("pool plain in c1 does not offer MIG profile 1g.10gb (it offers no MIG profiles)", plain.Reason);
        Assert.Equal(SchedulingOutcome.Impossible, decision.Outcome);
    }

    [Fact]
    public void Mig_request_lands_on_pool_offering_the_profile_whatever_its_gpu_model()
    {
        var pool = Pool(gpuModel: "a100", gpusPerNode: 8, nodeCount: 1) with
        {
            MigProfiles = [new MigProfileCapacity("2g.20gb", 3), new MigProfileCapacity("1G.10GB", 7, allocatedSlices: 50)],
        };

        var decision = PlacementScheduler.Decide(Request(gpu: GpuRequest.Mig("1g.10gb"), replicas: 6), [pool]);

        Assert.Equal(SchedulingOutcome.Scheduled, decision.Outcome);
        var score = Only(decision).Score!.Value;
        Assert.Equal(6, score.NeededUnits);
        Assert.Equal(6, score.FreeUnits);
        Assert.Equal(56, score.TotalUnits);
        Assert.Equal(1.0, score.UtilisationAfterPlacement);
    }

    [Fact]
    public void Mig_request_naming_a_model_is_refused_on_another_model()
    {
        var pool = Pool(gpuModel: "a100") with { MigProfiles = [new MigProfileCapacity("1g.10gb", 7)] };

        var decision = PlacementScheduler.Decide(Request(gpu: GpuRequest.Mig("1g.10gb", model: "h100")), [pool]);

        Assert.Equal(RejectionCode.GpuModelMismatch, Only(decision).ReasonCode);
    }

    [Fact]
    public void Mig_capacity_exhausted_names_free_and_needed_slices()
    {
        // 7 slices per GPU x 8 GPUs x 1 node = 56 slices, 54 allocated.
        var pool = Pool(gpusPerNode: 8, nodeCount: 1) with { MigProfiles = [new MigProfileCapacity("1g.10gb", 7, allocatedSlices: 54)] };

        var decision = PlacementScheduler.Decide(Request(gpu: GpuRequest.Mig("1g.10gb"), replicas: 3), [pool]);

        var candidate = Only(decision);
        Assert.Equal(RejectionCode.MigCapacityExhausted, candidate.ReasonCode);
        Assert.Equal("pool h100-od in c1 has 2 free 1g.10gb MIG slices; 3 are needed", candidate.Reason);
        Assert.Equal(SchedulingOutcome.NotAdmissibleNow, decision.Outcome);
    }

    [Fact]
    public void Mig_slices_are_counted_per_profile_not_from_allocated_gpus()
    {
        var pool = Pool(gpusPerNode: 1, nodeCount: 1, allocatedGpus: 1) with { MigProfiles = [new MigProfileCapacity("1g.10gb", 7, allocatedSlices: 6)] };

        var decision = PlacementScheduler.Decide(Request(gpu: GpuRequest.Mig("1g.10gb")), [pool]);

        Assert.True(Only(decision).Accepted);
    }

    [Theory]
    [InlineData(PlacementKind.Inference, PoolPurpose.Inference, true)]
    [InlineData(PlacementKind.Inference, PoolPurpose.Realtime, true)]
    [InlineData(PlacementKind.Inference, PoolPurpose.Training, false)]
    [InlineData(PlacementKind.Inference, PoolPurpose.Batch, false)]
    [InlineData(PlacementKind.Training, PoolPurpose.Training, true)]
    [InlineData(PlacementKind.Training, PoolPurpose.Batch, false)]
    [InlineData(PlacementKind.Training, PoolPurpose.Inference, false)]
    [InlineData(PlacementKind.Training, PoolPurpose.Realtime, false)]
    [InlineData(PlacementKind.Batch, PoolPurpose.Batch, true)]
    [InlineData(PlacementKind.Batch, PoolPurpose.Training, true)]
    [InlineData(PlacementKind.Batch, PoolPurpose.Inference, false)]
    [InlineData(PlacementKind.Batch, PoolPurpose.Realtime, false)]
    public void Placement_kind_needs_a_pool_serving_a_matching_purpose(PlacementKind kind, PoolPurpose purpose, bool accepted)
    {
        var decision = PlacementScheduler.Decide(Request(kind: kind), [Pool(purposes: [purpose])]);

        var candidate = Only(decision);
        Assert.Equal(accepted, candidate.Accepted);
        Assert.Equal(accepted ? null : RejectionCode.PurposeMismatch, candidate.ReasonCode);
    }

    [Fact]
    public void Purpose_mismatch_names_what_the_pool_serves_and_what_is_needed()
    {
        var decision = PlacementScheduler.Decide(Request(kind: PlacementKind.Training), [Pool(purposes: [PoolPurpose.Inference, PoolPurpose.Realtime])]);

        Assert.Equal("pool h100-od in c1 serves inference, realtime; training placements need a training pool", Only(decision).Reason);
    }

    [Fact]
    public void Spot_pool_is_refused_for_non_interruptible_request()
    {
        var spot = Pool() with { CapacityType = CapacityType.Spot };

        var decision = PlacementScheduler.Decide(Request(interruptible: false), [spot]);

        var candidate = Only(decision);
        Assert.Equal(RejectionCode.SpotNotAllowed, candidate.ReasonCode);
        Assert.Equal("pool h100-od in c1 is a spot pool; only interruptible requests may run on spot capacity", candidate.Reason);
        Assert.Equal(SchedulingOutcome.Impossible, decision.Outcome);
    }

    [Fact]
    public void Spot_pool_takes_interruptible_request()
    {
        var spot = Pool() with { CapacityType = CapacityType.Spot };

        var decision = PlacementScheduler.Decide(Request(interruptible: true), [spot]);

        Assert.True(Only(decision).Accepted);
    }

    [Fact]
    public void Insufficient_capacity_names_free_and_needed_gpus()
    {
        // 4 x 8 = 32 GPUs, 29 allocated: 3 free; 2 replicas x 2 GPUs = 4 needed.
        var decision = PlacementScheduler.Decide(
            Request(gpu: GpuRequest.WholeGpus("h100", 2), replicas: 2),
            [Pool(gpusPerNode: 8, nodeCount: 4, allocatedGpus: 29)]);

        var candidate = Only(decision);
        Assert.Equal(RejectionCode.InsufficientCapacity, candidate.ReasonCode);
        Assert.Equal("pool h100-od in c1 has 3 free H100 GPUs; 4 are needed", candidate.Reason);
        Assert.Equal(SchedulingOutcome.NotAdmissibleNow, decision.Outcome);
    }

    [Fact]
    public void Exactly_the_free_gpus_fit()
    {
        var decision = PlacementScheduler.Decide(
            Request(gpu: GpuRequest.WholeGpus("h100", 2), replicas: 2),
            [Pool(gpusPerNode: 8, nodeCount: 4, allocatedGpus: 28)]);

        Assert.True(Only(decision).Accepted);
    }

    [Fact]
    public void Over_allocated_pool_reports_no_free_gpus()
    {
        var decision = PlacementScheduler.Decide(Request(), [Pool(gpusPerNode: 8, nodeCount: 1, allocatedGpus: 12)]);

        Assert.Equal("pool h100-od in c1 has 0 free H100 GPUs; 1 is needed", Only(decision).Reason);
    }

    [Fact]
    public void Replica_needing_more_gpus_than_a_node_has_is_impossible_even_in_an_empty_pool()
    {
        var decision = PlacementScheduler.Decide(
            Request(gpu: GpuRequest.WholeGpus("h100", 16)),
            [Pool(gpusPerNode: 8, nodeCount: 10)]);

        var candidate = Only(decision);
        Assert.Equal(RejectionCode.ReplicaExceedsNodeSize, candidate.ReasonCode);
        Assert.Equal("pool h100-od in c1 has 8 H100 GPUs per node; one replica needs 16 on a single node", candidate.Reason);
        Assert.Equal(SchedulingOutcome.Impossible, decision.Outcome);
    }

    [Fact]
    public void Request_larger_than_the_whole_pool_is_impossible()
    {
        var decision = PlacementScheduler.Decide(
            Request(gpu: GpuRequest.WholeGpus("h100", 8), replicas: 3),
            [Pool(gpusPerNode: 8, nodeCount: 2)]);

        var candidate = Only(decision);
        Assert.Equal(RejectionCode.RequestExceedsPoolSize, candidate.ReasonCode);
        Assert.Equal("pool h100-od in c1 has 16 H100 GPUs in total, even when empty; 24 are needed", candidate.Reason);
        Assert.Equal(SchedulingOutcome.Impossible, decision.Outcome);
    }

    [Fact]
    public void Unavailable_cluster_is_refused()
    {
        var decision = PlacementScheduler.Decide(Request(), [Pool(cluster: Cluster(available: false))]);

        var candidate = Only(decision);
        Assert.Equal(RejectionCode.ClusterUnavailable, candidate.ReasonCode);
        Assert.Equal("cluster c1 is unavailable (unreachable or disabled)", candidate.Reason);
    }

    [Fact]
    public void Region_outside_the_requests_allowed_regions_is_refused()
    {
        var request = Request() with { AllowedRegions = ["eu-west1", "eu-north2"] };

        var decision = PlacementScheduler.Decide(request, [Pool(cluster: Cluster(region: "us-central1"))]);

        var candidate = Only(decision);
        Assert.Equal(RejectionCode.RegionNotAllowed, candidate.ReasonCode);
        Assert.Equal("cluster c1 is in region us-central1; the request allows eu-west1, eu-north2", candidate.Reason);
    }

    [Fact]
    public void Region_is_compared_case_insensitively()
    {
        var request = Request() with { AllowedRegions = ["EU-North1"] };

        var decision = PlacementScheduler.Decide(request, [Pool(cluster: Cluster(region: "eu-north1"))]);

        Assert.True(Only(decision).Accepted);
    }

    [Fact]
    public void Tenant_allowed_regions_apply_when_the_request_lists_none()
    {
        var request = Request() with { TenantAllowedRegions = ["eu-north1"] };
        var pools = new[] { Pool("eu", Cluster("c-eu", "eu-north1")), Pool("us", Cluster("c-us", "us-east1")) };

        var decision = PlacementScheduler.Decide(request, pools);

        Assert.True(Candidate(decision, "eu", "c-eu").Accepted);
        var us = Candidate(decision, "us", "c-us");
        Assert.Equal(RejectionCode.RegionNotAllowed, us.ReasonCode);
        Assert.Equal("cluster c-us is in region us-east1; the tenant allows eu-north1", us.Reason);
    }

    [Fact]
    public void Any_region_is_allowed_when_neither_request_nor_tenant_lists_regions()
    {
        var pools = new[] { Pool("eu", Cluster("c-eu", "eu-north1")), Pool("us", Cluster("c-us", "us-east1")) };

        var decision = PlacementScheduler.Decide(Request(), pools);

        Assert.All(decision.Candidates, c => Assert.True(c.Accepted));
    }

    [Fact]
    public void Request_regions_cannot_widen_the_tenants_regions()
    {
        var request = Request() with { AllowedRegions = ["eu-north1", "us-east1"], TenantAllowedRegions = ["eu-north1"] };
        var pools = new[] { Pool("eu", Cluster("c-eu", "eu-north1")), Pool("us", Cluster("c-us", "us-east1")) };

        var decision = PlacementScheduler.Decide(request, pools);

        Assert.True(Candidate(decision, "eu", "c-eu").Accepted);
        var us = Candidate(decision, "us", "c-us");
        Assert.Equal(RejectionCode.RegionNotAllowed, us.ReasonCode);
        Assert.Equal("cluster c-us is in region us-east1; the request allows eu-north1, us-east1 and the tenant allows eu-north1", us.Reason);
    }

    [Fact]
    public void Lasting_refusal_is_reported_before_a_passing_one()
    {
        // Wrong model AND full AND cluster down: the model is what makes it impossible.
        var pool = Pool(gpuModel: "a100", cluster: Cluster(available: false), nodeCount: 1, allocatedGpus: 8);

        var decision = PlacementScheduler.Decide(Request(), [pool]);

        Assert.Equal(RejectionCode.GpuModelMismatch, Only(decision).ReasonCode);
        Assert.Equal(SchedulingOutcome.Impossible, decision.Outcome);
    }
}
