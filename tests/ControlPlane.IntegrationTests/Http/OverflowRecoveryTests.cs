using Npgsql;

namespace ControlPlane.IntegrationTests.Http;

/// <summary>One database connection for the whole service, so a request that broke it would break the very next one.</summary>
public sealed class SingleConnectionApp : ControlPlaneApp
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
    {
        ["ConnectionStrings:ControlPlane"] = ConnectionString + ";Maximum Pool Size=1",
    };
}

/// <summary>
/// A request whose query PostgreSQL fails mid-way (a sum beyond the numeric type it is read as) must not poison the pooled
/// connection it ran on: with a single connection, every following request would fail.
/// </summary>
public sealed class OverflowRecoveryTests(SingleConnectionApp app) : IClassFixture<SingleConnectionApp>
{
    [Fact]
    public async Task Reads_that_overflow_a_decimal_leave_the_pooled_connection_usable_for_the_next_request()
    {
        await app.CreateTenantWithAccountAsync("big");
        await app.EnsurePriceBookAsync();
        await app.RegisterClusterAsync("big-c1");
        await app.CreatePoolAsync("big-c1", GpuFleet.H100OnDemand("big-pool"));
        await app.SetQuotaAsync("big", "gpu.h100", 8);
        await app.SetQuotaAsync("big", "placements", 8);
        using var op = await app.OperatorClientAsync();
        await (await op.PutAsJsonAsync("/v1/tenants/big/budget", new { monthlyAmount = 100m, hardCap = true })).ExpectAsync(HttpStatusCode.OK);
        await InsertOverflowingUsageAsync();
        var month = DateTime.UtcNow.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        var placement = new { name = "p", kind = "inference", image = "img:1", resources = new { gpuModel = "h100", gpusPerReplica = 1 } };
        Func<Task<HttpResponseMessage>>[] overflowing =
        [
            () => op.GetAsync("/v1/tenants/big/costs"),
            () => op.GetAsync("/v1/costs"),
            () => op.GetAsync("/v1/tenants/big/costs/unit-economics"),
            () => op.GetAsync("/v1/tenants/big/statements"),
            () => op.GetAsync($"/v1/tenants/big/statements/{month}"),
            () => op.GetAsync($"/v1/tenants/big/statements/{month}?format=focus"),
            () => op.PostAsync($"/v1/tenants/big/statements/{month}:verify", null),
            () => op.GetAsync("/v1/tenants/big/budget"),
            () => op.PostAsJsonAsync("/v1/tenants/big/placements:preview", placement),
            () => op.PostAsJsonAsync("/v1/tenants/big/placements", placement),
        ];

        // Auto-prepared statements are prepared on their second use: three rounds cover unprepared and prepared reads.
        for (var round = 0; round < 3; round++)
        {
            foreach (var request in overflowing)
            {
                // Whatever this answers, the next request on the same single connection must succeed.
                using var answered = await request();
                await (await op.GetAsync("/v1/tenants/big")).ExpectAsync(HttpStatusCode.OK);
                await (await op.GetAsync("/v1/tenants/big/quotas")).ExpectAsync(HttpStatusCode.OK);
                await (await op.GetAsync("/v1/price-book")).ExpectAsync(HttpStatusCode.OK);
            }
        }
    }

    /// <summary>
    /// The largest quantities the bounded columns hold (numeric(28,6) hourly, numeric(21,6) per event), over three hours:
    /// their sums exceed what the reads cast to, so PostgreSQL itself fails those queries mid-way.
    /// </summary>
    private async Task InsertOverflowingUsageAsync()
    {
        await using var connection = new NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        await using var insert = new NpgsqlCommand("""
            INSERT INTO usage_hourly (tenant_id, hour, meter, dimension_key, subject, quantity, events)
            SELECT id, date_trunc('hour', now() - n * interval '1 hour'), 'inferences', '', '', 9999999999999999999999.999999, 2
            FROM tenants, generate_series(1, 3) n WHERE name = 'big';
            INSERT INTO usage_events (tenant_id, source, event_id, meter, subject, time, quantity, dimension_key)
            SELECT id, 's', 'e' || n, 'inferences', '', date_trunc('hour', now() - interval '1 hour'), 999999999999999.999999, ''
            FROM tenants, generate_series(1, 2) n WHERE name = 'big';
            """, connection);
        Assert.Equal(5, await insert.ExecuteNonQueryAsync());
    }
}
