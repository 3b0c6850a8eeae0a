using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace ControlPlane.IntegrationTests.Fixtures;

/// <summary>The service with the metering worker off (tests drive accrual with explicit times) and a 3 h clock-skew allowance.</summary>
public class BillingApp : ControlPlaneApp
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
    {
        ["Metering:Enabled"] = "false",
        ["Billing:MaxFutureSkew"] = "03:00:00",
    };

    /// <summary>Seconds the worker accrues by <paramref name="now"/>: whole minutes up to now − settle delay, from the running time.</summary>
    public static decimal ExpectedSeconds(DateTimeOffset runningAt, DateTimeOffset now, int gpus)
    {
        var upTo = now - Application.Billing.SystemMetering.SettleDelay;
        upTo = new DateTimeOffset(upTo.UtcTicks - (upTo.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero);
        return (upTo - runningAt).Ticks / (decimal)TimeSpan.TicksPerSecond * gpus;
    }

    /// <param name="maxReplicas">An autoscaling upper bound above <paramref name="replicas"/> (reserved, not all ready).</param>
    public async Task<(HttpClient Client, DateTimeOffset RunningAt)> RunningPlacementAsync(string tenant, string name, int replicas, int? maxReplicas = null)
    {
        await this.EnsurePriceBookAsync();
        var emulator = await EmulatorAsync();
        var cluster = "c-" + tenant;
        await this.RegisterClusterAsync(cluster, region: "r-" + tenant);
        await this.CreatePoolAsync(cluster, GpuFleet.H100OnDemand("pool-" + tenant));
        var sa = await CreateTenantWithAccountAsync(tenant, "developer");
        await this.RestrictToRegionAsync(tenant, "r-" + tenant);
        await this.SetQuotaAsync(tenant, "gpu.h100", 8);
        await this.SetQuotaAsync(tenant, "placements", 4);
        var client = ClientWithToken(sa.Token);
        await (await client.PostAsJsonAsync($"/v1/tenants/{tenant}/placements", new
        {
            name, kind = "inference", image = "registry.example/llm:1", replicas = new { min = replicas, max = maxReplicas ?? replicas },
            resources = new { gpuModel = "h100", gpusPerReplica = 1 },
        })).ExpectAsync(HttpStatusCode.Created);
        await client.WaitForPlacementAsync(tenant, name, p => p.Phase() == "applying" && emulator.Get("apps/v1", "deployments", "t-" + tenant, name) is not null);
        emulator.MarkReady(tenant, name, replicas);
        var running = await client.WaitForPlacementAsync(tenant, name, p => p.Phase() == "running");
        var runningAt = running.GetProperty("status").GetProperty("transitions").EnumerateArray()
            .Single(t => t.GetProperty("phase").GetString() == "running").GetProperty("at").GetDateTimeOffset();
        return (client, runningAt);
    }
}

public static class BillingFixtures
{
    public const decimal H100PerSecond = 0.001m;
    public const decimal TokensInLlm = 0.000002m;
    public const decimal TokensIn = 0.000003m;
    public const decimal Inference = 0.0005m;

    /// <summary>
    /// Runs one pass of the metering worker (accrual, watermarks, budget alerts, due closings) with its clock at
    /// <paramref name="now"/>: the worker's TimeProvider is the test's.
    /// </summary>
    public static async Task MeteringPassAsync(this ControlPlaneApp app, DateTimeOffset now)
    {
        using var worker = ActivatorUtilities.CreateInstance<Infrastructure.Billing.MeteringWorker>(app.Services, new FakeTimeProvider(now));
        await worker.RunOnceAsync(CancellationToken.None);
    }

    public static DateTimeOffset MonthStart(DateTimeOffset at) => new(at.Year, at.Month, 1, 0, 0, 0, TimeSpan.Zero);

    public static string Month(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    /// <summary>The class's first price-book version, backdated to the start of last month (only the first may be).</summary>
    public static async Task EnsurePriceBookAsync(this ControlPlaneApp app)
    {
        using var op = await app.OperatorClientAsync();
        if ((await op.GetAsync("/v1/price-book")).StatusCode == HttpStatusCode.OK)
        {
            return;
        }

        await (await op.PutAsJsonAsync("/v1/price-book", new
        {
            currency = "USD",
            effectiveFrom = MonthStart(DateTimeOffset.UtcNow).AddMonths(-1),
            prices = new object[]
            {
                new { meter = "gpu-seconds", dimensions = new { gpuModel = "h100", capacityType = "on-demand" }, unitPrice = H100PerSecond },
                new { meter = "gpu-seconds", dimensions = new { gpuModel = "h100" }, unitPrice = 0.5m },
                new { meter = "tokens-in", dimensions = new { model = "llm" }, unitPrice = TokensInLlm },
                new { meter = "tokens-in", dimensions = new { }, unitPrice = TokensIn },
                new { meter = "inferences", dimensions = new { }, unitPrice = Inference },
            },
        })).ExpectAsync(HttpStatusCode.OK);
    }

    /// <summary>Makes a tenant older than it is (usage from before a tenant existed is refused), as a migrated customer is.</summary>
    public static async Task BackdateTenantAsync(this ControlPlaneApp app, string tenant, DateTimeOffset createdAt)
    {
        await using var connection = new NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("UPDATE tenants SET created_at = @at WHERE name = @name", connection);
        command.Parameters.AddWithValue("at", createdAt.ToUniversalTime());
        command.Parameters.AddWithValue("name", tenant);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    public static object Event(string id, string type, DateTimeOffset time, decimal quantity, object? dimensions = null, string? subject = null,
        string source = "serving/eu-1") =>
        new { id, source, type, subject, time = time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture), data = new { quantity, dimensions } };

    public static async Task<JsonElement> PostUsageAsync(this HttpClient client, object[] events, string? tenant = null) =>
        await (await client.PostAsJsonAsync("/v1/usage-events:batch", new { tenant, events })).ExpectAsync(HttpStatusCode.OK);

    public static async Task<JsonElement> CostsAsync(this HttpClient client, string tenant, string groupBy, DateTimeOffset? to = null)
    {
        var query = $"/v1/tenants/{tenant}/costs?groupBy={groupBy}";
        if (to is { } end)
        {
            query += "&to=" + Uri.EscapeDataString(end.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        }

        return await (await client.GetAsync(query)).ExpectAsync(HttpStatusCode.OK);
    }

    public static decimal Quantity(this JsonElement costs, string key, string meter) =>
        costs.GetProperty("groups").EnumerateArray().Single(g => g.GetProperty("key").GetString() == key)
            .GetProperty("quantities").GetProperty(meter).GetDecimal();

    public static decimal Amount(this JsonElement costs, string key) =>
        costs.GetProperty("groups").EnumerateArray().Single(g => g.GetProperty("key").GetString() == key).GetProperty("amount").GetDecimal();
}
