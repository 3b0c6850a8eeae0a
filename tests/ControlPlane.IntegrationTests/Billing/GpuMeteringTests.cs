using Microsoft.Extensions.DependencyInjection;

namespace ControlPlane.IntegrationTests.Billing;

/// <summary>
/// GPU-seconds accrued from placement phase times, driven at chosen instants: exact to the tick, without gap or double
/// count across a restart and with several workers at once, whatever order they lock in. (Accrual runs ahead of the real clock here, so each such test
/// class has its own database.)
/// </summary>
public sealed class GpuMeteringTests(BillingApp app) : IClassFixture<BillingApp>
{
    [Fact]
    public async Task Gpu_seconds_accrue_exactly_across_a_restart_and_with_two_workers_at_once()
    {
        var (client, runningAt) = await app.RunningPlacementAsync("gpu-acme", "llm", replicas: 2);
        var farFuture = runningAt.AddHours(3);

        // First worker accrues up to t1, then "restarts" (a new instance, state only in the database) and goes on to t2.
        var t1 = runningAt.AddMinutes(10).AddSeconds(7);
        await app.MeteringPassAsync(t1);
        Assert.Equal(BillingApp.ExpectedSeconds(runningAt, t1, gpus: 2), await GpuSecondsAsync(client, "gpu-acme", "llm", farFuture));
        await app.MeteringPassAsync(t1); // the same instant again adds nothing
        Assert.Equal(BillingApp.ExpectedSeconds(runningAt, t1, gpus: 2), await GpuSecondsAsync(client, "gpu-acme", "llm", farFuture));

        var t2 = runningAt.AddMinutes(25);
        await app.MeteringPassAsync(t2);
        Assert.Equal(BillingApp.ExpectedSeconds(runningAt, t2, gpus: 2), await GpuSecondsAsync(client, "gpu-acme", "llm", farFuture));

        // Four workers at once, at instants up to a minute apart, in whatever order they lock: a worker that finds the
        // watermark held waits for it and accrues only what is left, so the total is exactly the latest instant's,
        // every time (a worker that skipped a held watermark made it depend on the lock order).
        var t3 = runningAt.AddMinutes(95);
        await Task.WhenAll(new[] { t3.AddSeconds(-60), t3, t3.AddSeconds(-20), t3.AddSeconds(-40) }.Select(app.MeteringPassAsync));
        Assert.Equal(BillingApp.ExpectedSeconds(runningAt, t3, gpus: 2), await GpuSecondsAsync(client, "gpu-acme", "llm", farFuture));
        await app.MeteringPassAsync(t3); // nothing left: the last pass to report reads the final watermark

        // Operators see how far behind accrual is: the watermark's age per meter, on /metrics.
        var watermark = t3 - Application.Billing.SystemMetering.SettleDelay;
        watermark = new DateTimeOffset(watermark.UtcTicks - (watermark.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero);
        var now = DateTimeOffset.UtcNow;
        var age = app.Services.GetRequiredService<Application.Billing.BillingMetrics>().WatermarkAges(now)["gpu-seconds"];
        Assert.Equal(now - watermark, age);
        using var scraper = app.CreateClient();
        Assert.Matches("controlplane_metering_watermark_age_seconds\\{[^}]*meter=\"gpu-seconds\"", await scraper.GetStringAsync("/metrics"));

        // Per GPU model and capacity type, priced with the pool's GPU price.
        var byGpu = await client.CostsAsync("gpu-acme", "gpuModel", farFuture);
        Assert.Equal(BillingApp.ExpectedSeconds(runningAt, t3, gpus: 2), byGpu.Quantity("h100", "gpu-seconds"));
        Assert.Equal(BillingApp.ExpectedSeconds(runningAt, t3, gpus: 2) * BillingFixtures.H100PerSecond, byGpu.Amount("h100"));
    }

    private static async Task<decimal> GpuSecondsAsync(HttpClient client, string tenant, string placement, DateTimeOffset to) =>
        (await client.CostsAsync(tenant, "placement", to)).Quantity(placement, "gpu-seconds");
}
