using System.Globalization;

namespace ControlPlane.IntegrationTests.Billing;

/// <summary>
/// Quantities and amounts have a bounded scale: storage accrued across hour boundaries reads back on every billing
/// route; cost reads keep full precision while statements round once; extreme ranges and amounts are 400 problems.
/// </summary>
public sealed class BillingPrecisionTests(BillingApp app) : IClassFixture<BillingApp>
{
    [Fact]
    public async Task Every_billing_route_answers_after_a_ready_model_version_accrued_storage_across_hour_boundaries()
    {
        var (client, _) = await app.RunningPlacementAsync("stored", "llm", replicas: 1);
        // 1,000,003 bytes: a minute of it is 16666.71666… byte-hours, a quantity with endless decimals.
        var content = new byte[1_000_003];
        Random.Shared.NextBytes(content);
        await app.SetQuotaAsync("stored", "storage.bytes", 10_000_000);
        await (await client.PostAsJsonAsync("/v1/tenants/stored/models", new { name = "weights" })).ExpectAsync(HttpStatusCode.Created);
        var version = await client.PublishAsync("stored", "weights", content);
        var finalizedAt = version.GetProperty("finalizedAt").GetDateTimeOffset();

        // The worker's clock runs 2.5 h ahead: the version has been ready across at least two hour boundaries.
        await app.MeteringPassAsync(finalizedAt.AddHours(2.5));

        var to = Uri.EscapeDataString(finalizedAt.AddHours(3).UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        var byModel = await (await client.GetAsync($"/v1/tenants/stored/costs?groupBy=model&to={to}")).ExpectAsync(HttpStatusCode.OK);
        var storage = byModel.Quantity("weights", "storage-byte-hours");
        Assert.True(storage > 2 * 1_000_003m, $"byte-hours of 2 h and more, got {storage}");
        Assert.Equal(Math.Round(storage, 6), storage);
        await (await client.GetAsync($"/v1/tenants/stored/costs?groupBy=day&to={to}")).ExpectAsync(HttpStatusCode.OK);
        await (await client.GetAsync($"/v1/tenants/stored/costs/unit-economics?to={to}")).ExpectAsync(HttpStatusCode.OK);
        using var op = await app.OperatorClientAsync();
        await (await op.GetAsync($"/v1/costs?groupBy=tenant&to={to}")).ExpectAsync(HttpStatusCode.OK);
        await (await op.PutAsJsonAsync("/v1/tenants/stored/budget", new { monthlyAmount = 1000m, hardCap = true })).ExpectAsync(HttpStatusCode.OK);
        await (await client.GetAsync("/v1/tenants/stored/budget")).ExpectAsync(HttpStatusCode.OK);

        var month = BillingFixtures.Month(finalizedAt);
        await (await client.GetAsync($"/v1/tenants/stored/statements/{month}")).ExpectAsync(HttpStatusCode.OK);
        using var csv = await client.GetAsync($"/v1/tenants/stored/statements/{month}?format=focus-csv");
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        var verification = await (await client.PostAsync($"/v1/tenants/stored/statements/{month}:verify", null)).ExpectAsync(HttpStatusCode.OK);
        Assert.True(verification.GetProperty("matches").GetBoolean());
        await (await client.GetAsync("/v1/tenants/stored/statements")).ExpectAsync(HttpStatusCode.OK);
        var placement = new
        {
            name = "second", kind = "inference", image = "registry.example/llm:1", resources = new { gpuModel = "h100", gpusPerReplica = 1 },
        };
        var preview = await (await client.PostAsJsonAsync("/v1/tenants/stored/placements:preview", placement)).ExpectAsync(HttpStatusCode.OK);
        Assert.True(preview.GetProperty("spend").GetProperty("allowed").GetBoolean());
        await (await client.PostAsJsonAsync("/v1/tenants/stored/placements", placement)).ExpectAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Cost_reads_keep_full_precision_and_only_statement_lines_are_rounded_to_the_cent()
    {
        await app.EnsurePriceBookAsync();
        var sa = await app.CreateTenantWithAccountAsync("precise", "developer");
        using var client = app.ClientWithToken(sa.Token);
        var at = DateTimeOffset.UtcNow.AddMinutes(-1);
        // 6 inferences at 0.0005 are 0.003 per model: under a cent, which a cost read must still show.
        await client.PostUsageAsync(
        [
            BillingFixtures.Event("a", "inferences", at, 6m, new { model = "a" }),
            BillingFixtures.Event("b", "inferences", at, 6m, new { model = "b" }),
        ]);

        var byModel = await client.CostsAsync("precise", "model");
        Assert.Equal((0.003m, 0.003m, 0.006m), (byModel.Amount("a"), byModel.Amount("b"), byModel.GetProperty("total").GetDecimal()));
        var economics = await (await client.GetAsync("/v1/tenants/precise/costs/unit-economics")).ExpectAsync(HttpStatusCode.OK);
        var a = economics.GetProperty("models").EnumerateArray().Single(m => m.GetProperty("key").GetString() == "a");
        Assert.Equal((0.003m, 0.5m), (a.GetProperty("cost").GetDecimal(), a.GetProperty("costPer1kInferences").GetDecimal()));

        // The statement charges per line, each rounded once (0.003 → 0.00); its total is the sum of its lines.
        var statement = await (await client.GetAsync($"/v1/tenants/precise/statements/{BillingFixtures.Month(at)}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal([0.00m, 0.00m], statement.GetProperty("lines").EnumerateArray().Select(l => l.GetProperty("amount").GetDecimal()));
        Assert.Equal(0.00m, statement.GetProperty("total").GetDecimal());
    }

    [Fact]
    public async Task Extreme_periods_and_unrepresentable_amounts_are_400_problems()
    {
        await app.EnsurePriceBookAsync();
        var sa = await app.CreateTenantWithAccountAsync("extreme", "tenant-admin");
        using var client = app.ClientWithToken(sa.Token);
        using var op = await app.OperatorClientAsync();

        foreach (var query in new[] { "to=9999-12-31T23:59:59Z", "from=0001-01-01T00:00:00Z", "from=9999-12-31T23:00:00Z&to=9999-12-31T23:59:59Z" })
        {
            await (await client.GetAsync($"/v1/tenants/extreme/costs?{query}")).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
            await (await client.GetAsync($"/v1/tenants/extreme/costs/unit-economics?{query}"))
                .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
            await (await op.GetAsync($"/v1/costs?{query}")).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        }

        var noCap = await (await op.PutAsJsonAsync("/v1/tenants/extreme/budget", new { monthlyAmount = 100m }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        Assert.True(noCap.GetProperty("errors").TryGetProperty("hardCap", out _));
        var huge = await (await op.PutAsJsonAsync("/v1/tenants/extreme/budget", new { monthlyAmount = 9_223_372_036_854_775_808m, hardCap = true }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        Assert.True(huge.GetProperty("errors").TryGetProperty("monthlyAmount", out _));
        await (await client.GetAsync("/v1/tenants/extreme/budget")).ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");

        var price = await (await op.PutAsJsonAsync("/v1/price-book", new
        {
            currency = "USD", effectiveFrom = BillingFixtures.MonthStart(DateTimeOffset.UtcNow).AddMonths(2),
            prices = new object[]
            {
                new { meter = "inferences", dimensions = new { }, unitPrice = 9_223_372_036_854_775_808m },
                new { meter = "tokens-in", dimensions = new { }, unitPrice = 0.0000000000000000001m },
            },
        })).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        Assert.True(price.GetProperty("errors").TryGetProperty("prices[0].unitPrice", out _));
        Assert.True(price.GetProperty("errors").TryGetProperty("prices[1].unitPrice", out _));
    }
}
