using System.Text.Json.Nodes;
using ControlPlane.Application.Clusters;
using ControlPlane.Domain.Tenants;

namespace ControlPlane.IntegrationTests.Kubernetes;

public sealed class PlacementObserveAndDeleteTests : GatewayTestBase
{
    private const string Ns = TestManifests.Namespace;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await Gateway.ApplyTenantBaselineAsync(Connection, TestManifests.Baseline(IsolationTier.Soft), CancellationToken.None);
    }

    [Fact]
    public async Task Observing_a_Deployment_reports_desired_and_ready_replicas()
    {
        await Gateway.ApplyPlacementAsync(Connection, TestManifests.Inference(), CancellationToken.None);
        var starting = await Observe("chat", PlacementWorkloadKind.Deployment);

        Emulator.SetDeploymentReadyReplicas(Ns, "chat", 2);
        var ready = await Observe("chat", PlacementWorkloadKind.Deployment);

        Assert.Equal(new ObservedWorkload(2, 0, false, false, null), starting);
        Assert.Equal(new ObservedWorkload(2, 2, false, false, null), ready);
    }

    [Fact]
    public async Task Observing_a_Job_reports_success_once_it_completes()
    {
        await Gateway.ApplyPlacementAsync(Connection, TestManifests.Training(), CancellationToken.None);
        var running = await Observe("finetune", PlacementWorkloadKind.Job);

        Emulator.SetJobSucceeded(Ns, "finetune", 1);
        var done = await Observe("finetune", PlacementWorkloadKind.Job);

        Assert.NotNull(running);
        Assert.False(running.Succeeded);
        Assert.Equal(new ObservedWorkload(1, 0, true, false, null), done);
    }

    [Fact]
    public async Task Observing_a_failed_Job_reports_the_failure_and_its_message()
    {
        await Gateway.ApplyPlacementAsync(Connection, TestManifests.Training(), CancellationToken.None);
        Emulator.Modify("batch/v1", "jobs", Ns, "finetune", job => job["status"] = new JsonObject
        {
            ["failed"] = 4,
            ["conditions"] = new JsonArray(new JsonObject
            {
                ["type"] = "Failed", ["status"] = "True", ["reason"] = "BackoffLimitExceeded", ["message"] = "Job has reached the specified backoff limit",
            }),
        });

        var observed = await Observe("finetune", PlacementWorkloadKind.Job);

        Assert.NotNull(observed);
        Assert.True(observed.Failed);
        Assert.False(observed.Succeeded);
        Assert.Equal("Job has reached the specified backoff limit", observed.Message);
    }

    [Theory]
    [InlineData(PlacementWorkloadKind.Deployment)]
    [InlineData(PlacementWorkloadKind.Job)]
    public async Task Observing_a_missing_workload_reports_it_does_not_exist(PlacementWorkloadKind kind)
    {
        var observed = await Observe("absent", kind);

        Assert.Null(observed);
    }

    [Fact]
    public async Task Deleting_a_Deployment_placement_removes_it_and_its_Service_and_a_second_delete_still_succeeds()
    {
        await Gateway.ApplyPlacementAsync(Connection, TestManifests.Inference(), CancellationToken.None);

        var deleted = await Gateway.DeletePlacementAsync(Connection, TestManifests.Tenant, "chat", PlacementWorkloadKind.Deployment, CancellationToken.None);
        var deletedAgain = await Gateway.DeletePlacementAsync(Connection, TestManifests.Tenant, "chat", PlacementWorkloadKind.Deployment, CancellationToken.None);

        Assert.True(deleted);
        Assert.True(deletedAgain);
        Assert.Null(Emulator.Get("apps/v1", "deployments", Ns, "chat"));
        Assert.Null(Emulator.Get("v1", "services", Ns, "chat"));
        Assert.Contains(Emulator.Requests, r => r.Method == "DELETE" && r.QueryString.Contains("propagationPolicy=Background", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Deleting_a_Job_placement_removes_it()
    {
        await Gateway.ApplyPlacementAsync(Connection, TestManifests.Training(), CancellationToken.None);

        var deleted = await Gateway.DeletePlacementAsync(Connection, TestManifests.Tenant, "finetune", PlacementWorkloadKind.Job, CancellationToken.None);

        Assert.True(deleted);
        Assert.Null(Emulator.Get("batch/v1", "jobs", Ns, "finetune"));
        Assert.Null(await Observe("finetune", PlacementWorkloadKind.Job));
    }

    private async Task<ObservedWorkload?> Observe(string placement, PlacementWorkloadKind kind) =>
        (await Gateway.ListWorkloadsAsync(Connection, CancellationToken.None)).GetValueOrDefault(new WorkloadKey(TestManifests.Tenant, placement, kind));
}
