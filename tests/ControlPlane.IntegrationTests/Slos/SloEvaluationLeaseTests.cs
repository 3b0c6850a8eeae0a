using ControlPlane.Application.Slos;
using Microsoft.Extensions.DependencyInjection;

namespace ControlPlane.IntegrationTests.Slos;

/// <summary>Several replicas evaluate SLOs at once: each SLO is claimed by one of them per interval.</summary>
public sealed class SloEvaluationLeaseTests(SloAppWithoutWorker app) : IClassFixture<SloAppWithoutWorker>
{
    [Fact]
    public async Task Concurrent_replicas_claim_each_due_SLO_exactly_once_per_interval()
    {
        await app.RegisterClusterWithPrometheusAsync("lease-slo", "lease-slo-region");
        using var client = await app.TenantWithPlacementsAsync("slo-lease", "lease-slo-region", 1, "chat");
        for (var i = 0; i < 40; i++)
        {
            await (await client.PutAsJsonAsync($"/v1/tenants/slo-lease/slos/s{i}", new
            {
                placement = "chat", objective = 99, window = "1d", indicator = new { kind = "availability", metrics = "otel-http" },
            })).ExpectAsync(HttpStatusCode.Created);
        }

        // Four replicas claim at the same instant with a long interval: the union is every due SLO, with no overlap.
        var now = DateTimeOffset.UtcNow.AddSeconds(5);
        var claims = await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            using var scope = app.Services.CreateScope();
            return await scope.ServiceProvider.GetRequiredService<ISloSchedule>().ClaimDueAsync(now, TimeSpan.FromHours(1), 15, CancellationToken.None);
        }));
        var claimed = claims.SelectMany(c => c).ToList();
        Assert.Equal(40, claimed.Count);
        Assert.Equal(40, claimed.Distinct().Count());
        using (var scope = app.Services.CreateScope())
        {
            Assert.Empty(await scope.ServiceProvider.GetRequiredService<ISloSchedule>().ClaimDueAsync(now, TimeSpan.FromHours(1), 1000, CancellationToken.None));
        }

        var page = await (await client.GetAsync("/v1/tenants/slo-lease/slos?pageSize=200")).ExpectAsync(HttpStatusCode.OK);
        var ids = page.GetProperty("items").EnumerateArray().Select(s => s.GetProperty("id").GetGuid()).ToHashSet();
        Assert.Equal(40, ids.Count);
        Assert.Equal(ids, claimed.ToHashSet());
    }

    [Fact]
    public async Task Concurrent_passes_of_several_replicas_evaluate_each_SLO_once()
    {
        await app.RegisterClusterWithPrometheusAsync("pass-slo", "pass-slo-region");
        using var client = await app.TenantWithPlacementsAsync("slo-pass", "pass-slo-region", 1, "chat");
        for (var i = 0; i < 10; i++)
        {
            await (await client.PutAsJsonAsync($"/v1/tenants/slo-pass/slos/p{i}", new
            {
                placement = "chat", objective = 99, window = "1d", indicator = new { kind = "availability", metrics = "otel-http" },
            })).ExpectAsync(HttpStatusCode.Created);
        }

        var passes = await Task.WhenAll(Enumerable.Range(0, 3).Select(async _ =>
        {
            using var scope = app.Services.CreateScope();
            return await scope.ServiceProvider.GetRequiredService<SloEvaluator>().EvaluateDueAsync(CancellationToken.None);
        }));
        Assert.Equal(10, passes.Sum(p => p.Evaluated));
        for (var i = 0; i < 10; i++)
        {
            var history = await (await client.GetAsync($"/v1/tenants/slo-pass/slos/p{i}/history")).ExpectAsync(HttpStatusCode.OK);
            Assert.Single(history.GetProperty("points").EnumerateArray());
        }
    }
}
