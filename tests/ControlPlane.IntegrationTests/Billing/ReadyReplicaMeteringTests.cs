namespace ControlPlane.IntegrationTests.Billing;

/// <summary>
/// GPU-seconds accrue for the replicas the cluster reports ready, not for the reservation: an autoscaled placement
/// reserves its maximum but bills what runs. (Accrual runs ahead of the real clock, so the class has its own database.)
/// </summary>
public sealed class ReadyReplicaMeteringTests(BillingApp app) : IClassFixture<BillingApp>
{
    [Fact]
    public async Task An_autoscaled_placement_accrues_gpu_seconds_for_its_ready_replicas_not_its_reserved_maximum()
    {
        var (client, runningAt) = await app.RunningPlacementAsync("ready-acme", "llm", replicas: 1, maxReplicas: 3);
        var quotas = await (await client.GetAsync("/v1/tenants/ready-acme/quotas")).ExpectAsync(HttpStatusCode.OK);
        var at = runningAt.AddMinutes(12).AddSeconds(5);

        await app.MeteringPassAsync(at);
        var costs = await client.CostsAsync("ready-acme", "placement", runningAt.AddHours(3));

        Assert.Equal(3, quotas.GetProperty("items").EnumerateArray().Single(q => q.GetProperty("resource").GetString() == "gpu.h100").GetProperty("used").GetInt64());
        Assert.Equal(BillingApp.ExpectedSeconds(runningAt, at, gpus: 1), costs.Quantity("llm", "gpu-seconds"));
    }
}
