using Npgsql;

namespace ControlPlane.IntegrationTests.Billing;

/// <summary>
/// The metering worker isolates tenants and steps: one tenant whose usage cannot be stored is counted and retried
/// while the others are accrued, their budgets checked, and the failure is visible on /metrics.
/// </summary>
public sealed class MeteringIsolationTests(BillingApp app) : IClassFixture<BillingApp>
{
    [Fact]
    public async Task A_tenant_whose_accrual_fails_is_counted_and_caught_up_later_while_the_others_are_accrued_and_alerted()
    {
        var (broken, brokenRunningAt) = await app.RunningPlacementAsync("iso-broken", "llm", replicas: 1);
        var (healthy, healthyRunningAt) = await app.RunningPlacementAsync("iso-healthy", "llm", replicas: 1);
        using var op = await app.OperatorClientAsync();
        // 0.001 per GPU-second: 20 minutes of one GPU are about 1.20, over half of this budget.
        await (await op.PutAsJsonAsync("/v1/tenants/iso-healthy/budget", new { monthlyAmount = 2m, alertThresholds = new[] { 50 }, hardCap = false }))
            .ExpectAsync(HttpStatusCode.OK);
        await using var connection = new NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        await ExecuteAsync(connection, """
            CREATE FUNCTION refuse_broken_usage() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.tenant_id = (SELECT id FROM tenants WHERE name = 'iso-broken') THEN
                    RAISE EXCEPTION 'injected: usage of iso-broken cannot be stored';
                END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER refuse_broken_usage BEFORE INSERT ON usage_events FOR EACH ROW EXECUTE FUNCTION refuse_broken_usage();
            """);

        var now = (brokenRunningAt > healthyRunningAt ? brokenRunningAt : healthyRunningAt).AddMinutes(20);
        await app.MeteringPassAsync(now);

        var farFuture = now.AddHours(3);
        Assert.Equal(BillingApp.ExpectedSeconds(healthyRunningAt, now, gpus: 1), await GpuSecondsAsync(healthy, "iso-healthy", farFuture));
        Assert.Empty((await broken.CostsAsync("iso-broken", "placement", farFuture)).GetProperty("groups").EnumerateArray());
        // The budget step ran after the failed accrual in the same pass.
        var budget = await (await healthy.GetAsync("/v1/tenants/iso-healthy/budget")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal([50], budget.GetProperty("thresholdsCrossed").EnumerateArray().Select(t => t.GetInt32()));
        using var scraper = app.CreateClient();
        Assert.Matches("controlplane_worker_failures_total\\{(?=[^}]*step=\"accrual\")(?=[^}]*worker=\"metering\")[^}]*\\} [1-9]", await scraper.GetStringAsync("/metrics"));

        // Once its usage can be stored again, the next pass catches the tenant up: nothing was lost, nothing doubled.
        await ExecuteAsync(connection, "DROP TRIGGER refuse_broken_usage ON usage_events; DROP FUNCTION refuse_broken_usage();");
        await app.MeteringPassAsync(now);
        Assert.Equal(BillingApp.ExpectedSeconds(brokenRunningAt, now, gpus: 1), await GpuSecondsAsync(broken, "iso-broken", farFuture));
        Assert.Equal(BillingApp.ExpectedSeconds(healthyRunningAt, now, gpus: 1), await GpuSecondsAsync(healthy, "iso-healthy", farFuture));
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<decimal> GpuSecondsAsync(HttpClient client, string tenant, DateTimeOffset to) =>
        (await client.CostsAsync(tenant, "placement", to)).Quantity("llm", "gpu-seconds");
}
