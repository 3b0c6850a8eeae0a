using ControlPlane.Domain.Scheduling;
using static ControlPlane.UnitTests.Scheduling.Fleet;
using ControlPlane.Domain.Tenants;

namespace ControlPlane.UnitTests.Scheduling;

public class PlacementSchedulerIsolationTests
{
    private static NodePoolSnapshot Sandbox(string name = "sandbox", params string[] runtimeClasses) =>
        Pool(name) with { RuntimeClasses = runtimeClasses.Length == 0 ? ["kata"] : runtimeClasses };

    [Fact]
    public void Soft_tenant_lands_on_a_shared_pool_with_the_default_runtime()
    {
        var decision = PlacementScheduler.Decide(Request(tier: IsolationTier.Soft), [Pool("shared")]);

        Assert.Equal(SchedulingOutcome.Scheduled, decision.Outcome);
        Assert.Null(decision.Chosen!.RuntimeClass);
    }

    [Fact]
    public void Soft_tenant_never_lands_on_a_sandbox_only_pool()
    {
        var decision = PlacementScheduler.Decide(
            Request(tier: IsolationTier.Soft),
            [Sandbox("kata-only", "kata"), Sandbox("both", "gvisor", "kata")]);

        Assert.Equal(SchedulingOutcome.Impossible, decision.Outcome);
        Assert.All(decision.Candidates, c => Assert.Equal(RejectionCode.IsolationTierMismatch, c.ReasonCode));
        Assert.Equal(
            "pool both in c1 is reserved for strong-tier tenants (runtime classes: gvisor, kata); soft-tier placements run only on shared pools",
            Candidate(decision, "both").Reason);
    }

    [Fact]
    public void Soft_tenant_only_uses_shared_pools_not_even_one_dedicated_to_itself()
    {
        var own = Pool("own") with { DedicatedTenant = "acme" };

        var decision = PlacementScheduler.Decide(Request(tenant: "acme", tier: IsolationTier.Soft), [own]);

        var candidate = Only(decision);
        Assert.Equal(RejectionCode.IsolationTierMismatch, candidate.ReasonCode);
        Assert.Equal("pool own in c1 is dedicated to a tenant; soft-tier placements run only on shared pools", candidate.Reason);
    }

    [Fact]
    public void Strong_tenant_never_lands_on_a_pool_without_a_sandbox_runtime()
    {
        var decision = PlacementScheduler.Decide(Request(tier: IsolationTier.Strong), [Pool("shared")]);

        var candidate = Only(decision);
        Assert.Equal(RejectionCode.IsolationTierMismatch, candidate.ReasonCode);
        Assert.Equal("pool shared in c1 offers no sandbox runtime class (e.g. kata or gvisor); strong-tier placements need one", candidate.Reason);
        Assert.Equal(SchedulingOutcome.Impossible, decision.Outcome);
    }

    [Fact]
    public void Strong_tenant_needs_a_sandbox_runtime_even_on_its_own_dedicated_pool()
    {
        var own = Pool("own") with { DedicatedTenant = "acme" };

        var decision = PlacementScheduler.Decide(Request(tenant: "acme", tier: IsolationTier.Strong), [own, own with { Name = "own-kata", RuntimeClasses = ["kata"] }]);

        Assert.Equal(RejectionCode.IsolationTierMismatch, Candidate(decision, "own").ReasonCode);
        Assert.Equal(new PlacementChoice("c1", "own-kata", "kata", 2.50m), decision.Chosen);
    }

    [Fact]
    public void Strong_tenant_prefers_kata_when_a_pool_offers_both_runtimes()
    {
        var decision = PlacementScheduler.Decide(Request(tier: IsolationTier.Strong), [Sandbox("both", "gvisor", "kata")]);

        Assert.Equal("kata", decision.Chosen!.RuntimeClass);
        Assert.Equal("kata", Only(decision).RuntimeClass);
        Assert.EndsWith("can take it under kata: 1 of 16 free H100 GPUs, 2.50 per hour, 6.3% allocated after placement", Only(decision).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Strong_tenant_runs_a_single_gpu_replica_under_gvisor()
    {
        var decision = PlacementScheduler.Decide(Request(tier: IsolationTier.Strong, replicas: 3), [Sandbox("gvisor", "gvisor")]);

        Assert.Equal(new PlacementChoice("c1", "gvisor", "gvisor", 7.50m), decision.Chosen);
    }

    [Fact]
    public void Gvisor_only_pool_refuses_mig_requests()
    {
        var pool = Sandbox("gvisor", "gvisor") with { MigProfiles = [new MigProfileCapacity("1g.10gb", 7)] };

        var decision = PlacementScheduler.Decide(Request(tier: IsolationTier.Strong, gpu: GpuRequest.Mig("1g.10gb")), [pool]);

        var candidate = Only(decision);
        Assert.Equal(RejectionCode.SandboxRuntimeUnsupported, candidate.ReasonCode);
        Assert.Equal("pool gvisor in c1 offers only the gVisor sandbox, which cannot run MIG devices", candidate.Reason);
        Assert.Equal(SchedulingOutcome.Impossible, decision.Outcome);
    }

    [Fact]
    public void Gvisor_only_pool_refuses_multi_gpu_replicas()
    {
        var decision = PlacementScheduler.Decide(
            Request(tier: IsolationTier.Strong, gpu: GpuRequest.WholeGpus("h100", 2)),
            [Sandbox("gvisor", "gvisor")]);

        var candidate = Only(decision);
        Assert.Equal(RejectionCode.SandboxRuntimeUnsupported, candidate.ReasonCode);
        Assert.Equal("pool gvisor in c1 offers only the gVisor sandbox, which runs at most 1 GPU per replica; 2 are needed per replica", candidate.Reason);
    }

    [Fact]
    public void Kata_pool_takes_mig_and_multi_gpu_requests_that_gvisor_refuses()
    {
        var both = Sandbox("both", "gvisor", "kata") with { MigProfiles = [new MigProfileCapacity("1g.10gb", 7)] };

        var mig = PlacementScheduler.Decide(Request(tier: IsolationTier.Strong, gpu: GpuRequest.Mig("1g.10gb")), [both]);
        var multi = PlacementScheduler.Decide(Request(tier: IsolationTier.Strong, gpu: GpuRequest.WholeGpus("h100", 8)), [both]);

        Assert.Equal("kata", mig.Chosen!.RuntimeClass);
        Assert.Equal("kata", multi.Chosen!.RuntimeClass);
    }

    [Fact]
    public void A_pool_whose_runtime_class_the_cluster_lacks_is_never_chosen_and_says_why()
    {
        var missing = Sandbox("kata-pool", "kata-qemu-nvidia-gpu") with { MissingRuntimeClasses = ["kata-qemu-nvidia-gpu"], PricePerGpuHour = 0.5m };
        var present = Sandbox("gvisor-pool", "gvisor") with { PricePerGpuHour = 9m };

        var decision = PlacementScheduler.Decide(Request(tier: IsolationTier.Strong), [missing, present]);
        var alone = PlacementScheduler.Decide(Request(tier: IsolationTier.Strong), [missing]);

        Assert.Equal(new PlacementChoice("c1", "gvisor-pool", "gvisor", 9m), decision.Chosen);
        var refused = decision.Candidates.Single(c => c.NodePool == "kata-pool");
        Assert.Equal(RejectionCode.RuntimeClassMissing, refused.ReasonCode);
        Assert.Equal("pool kata-pool in c1 declares runtime class kata-qemu-nvidia-gpu, which cluster c1 does not have (no RuntimeClass object); pods would be refused",
            refused.Reason);
        Assert.Equal(SchedulingOutcome.NotAdmissibleNow, alone.Outcome);
    }

    [Fact]
    public void A_missing_vm_sandbox_falls_back_to_a_present_gvisor_class_only_for_what_gvisor_runs()
    {
        var pool = Sandbox("both", "kata", "gvisor") with { MissingRuntimeClasses = ["kata"] };

        var single = PlacementScheduler.Decide(Request(tier: IsolationTier.Strong), [pool]);
        var multi = PlacementScheduler.Decide(Request(tier: IsolationTier.Strong, gpu: GpuRequest.WholeGpus("h100", 2)), [pool]);

        Assert.Equal("gvisor", single.Chosen!.RuntimeClass);
        Assert.Equal(RejectionCode.RuntimeClassMissing, Only(multi).ReasonCode);
    }

    [Theory]
    [InlineData(IsolationTier.Soft)]
    [InlineData(IsolationTier.Strong)]
    [InlineData(IsolationTier.Physical)]
    public void Pool_dedicated_to_another_tenant_is_refused_for_every_tier(IsolationTier tier)
    {
        var cluster = Cluster(dedicatedTenant: tier == IsolationTier.Physical ? "acme" : null);
        var pool = Pool(cluster: cluster) with { DedicatedTenant = "globex", RuntimeClasses = ["kata"] };

        var decision = PlacementScheduler.Decide(Request(tenant: "acme", tier: tier), [pool]);

        var candidate = Only(decision);
        Assert.Equal(RejectionCode.DedicatedToAnotherTenant, candidate.ReasonCode);
        Assert.Equal("pool h100-od in c1 is dedicated to another tenant", candidate.Reason);
        Assert.DoesNotContain("globex", candidate.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(IsolationTier.Soft)]
    [InlineData(IsolationTier.Strong)]
    [InlineData(IsolationTier.Physical)]
    public void Cluster_dedicated_to_another_tenant_is_refused_for_every_tier(IsolationTier tier)
    {
        var pool = Pool(cluster: Cluster(dedicatedTenant: "globex")) with { RuntimeClasses = tier == IsolationTier.Strong ? ["kata"] : [] };

        var decision = PlacementScheduler.Decide(Request(tenant: "acme", tier: tier), [pool]);

        var candidate = Only(decision);
        Assert.Equal(RejectionCode.DedicatedToAnotherTenant, candidate.ReasonCode);
        Assert.Equal("cluster c1 is dedicated to another tenant", candidate.Reason);
    }

    [Fact]
    public void Tenant_names_are_compared_ordinally()
    {
        var pool = Pool(cluster: Cluster(dedicatedTenant: "ACME"));

        var decision = PlacementScheduler.Decide(Request(tenant: "acme", tier: IsolationTier.Physical), [pool]);

        Assert.Equal(RejectionCode.DedicatedToAnotherTenant, Only(decision).ReasonCode);
    }

    [Fact]
    public void Physical_tenant_is_refused_by_a_shared_cluster()
    {
        var decision = PlacementScheduler.Decide(Request(tenant: "acme", tier: IsolationTier.Physical), [Pool()]);

        var candidate = Only(decision);
        Assert.Equal(RejectionCode.ClusterNotDedicated, candidate.ReasonCode);
        Assert.Equal("cluster c1 is not dedicated to tenant acme; physical-tier placements run only on the tenant's dedicated clusters", candidate.Reason);
        Assert.Equal(SchedulingOutcome.Impossible, decision.Outcome);
    }

    [Fact]
    public void Physical_tenant_lands_only_on_its_dedicated_cluster()
    {
        var pools = new[]
        {
            Pool("cheap", Cluster("shared"), pricePerGpuHour: 1m),
            Pool("own", Cluster("acme-1", dedicatedTenant: "acme"), pricePerGpuHour: 3m),
            Pool("own-pool", Cluster("acme-1", dedicatedTenant: "acme"), pricePerGpuHour: 3m) with { DedicatedTenant = "acme", RuntimeClasses = ["kata"] },
        };

        var decision = PlacementScheduler.Decide(Request(tenant: "acme", tier: IsolationTier.Physical), pools);

        Assert.Equal(SchedulingOutcome.Scheduled, decision.Outcome);
        Assert.Equal("acme-1", decision.Chosen!.Cluster);
        Assert.Null(decision.Chosen.RuntimeClass);
        Assert.Equal(RejectionCode.ClusterNotDedicated, Candidate(decision, "cheap", "shared").ReasonCode);
        Assert.True(Candidate(decision, "own-pool", "acme-1").Accepted);
    }

    [Theory]
    [InlineData(IsolationTier.Soft)]
    [InlineData(IsolationTier.Strong)]
    public void Soft_and_strong_placements_stay_off_the_tenants_own_dedicated_cluster(IsolationTier tier)
    {
        var pool = Pool(cluster: Cluster(dedicatedTenant: "acme")) with { RuntimeClasses = tier == IsolationTier.Strong ? ["kata"] : [] };

        var decision = PlacementScheduler.Decide(Request(tenant: "acme", tier: tier), [pool]);

        var candidate = Only(decision);
        Assert.Equal(RejectionCode.IsolationTierMismatch, candidate.ReasonCode);
        Assert.StartsWith("cluster c1 is dedicated to tenant acme for physical-tier placements", candidate.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Strong_and_soft_tenants_are_split_between_sandbox_and_shared_pools()
    {
        var pools = new[] { Pool("shared", pricePerGpuHour: 1m), Sandbox("kata", "kata") with { PricePerGpuHour = 5m } };

        var soft = PlacementScheduler.Decide(Request(tier: IsolationTier.Soft), pools);
        var strong = PlacementScheduler.Decide(Request(tier: IsolationTier.Strong), pools);

        Assert.Equal("shared", soft.Chosen!.NodePool);
        Assert.Equal("kata", strong.Chosen!.NodePool);
        Assert.Equal(RejectionCode.IsolationTierMismatch, Candidate(soft, "kata").ReasonCode);
        Assert.Equal(RejectionCode.IsolationTierMismatch, Candidate(strong, "shared").ReasonCode);
    }
}
