namespace ControlPlane.IntegrationTests.Billing;

/// <summary>A price change mid-month prices each period with its own price, and never reaches back into the past.</summary>
public sealed class PriceChangeTests(BillingApp app) : IClassFixture<BillingApp>
{
    [Fact]
    public async Task A_price_change_mid_month_prices_usage_before_and_after_it_with_the_price_in_force_at_the_time()
    {
        await app.EnsurePriceBookAsync();
        var sa = await app.CreateTenantWithAccountAsync("midmonth", "developer");
        using var client = app.ClientWithToken(sa.Token);
        using var op = await app.OperatorClientAsync();
        var now = DateTimeOffset.UtcNow;
        var change = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero).AddHours(1);

        // In the past: refused, whatever it would price.
        await (await op.PutAsJsonAsync("/v1/price-book", new
        {
            currency = "USD", effectiveFrom = change.AddHours(-2),
            prices = new[] { new { meter = "tokens-in", dimensions = new { model = "llm" }, unitPrice = 1m } },
        })).ExpectProblemAsync(HttpStatusCode.Conflict, "price-book-in-the-past");
        await (await op.PutAsJsonAsync("/v1/price-book", new
        {
            currency = "USD", effectiveFrom = change.AddMinutes(30),
            prices = new[] { new { meter = "tokens-in", dimensions = new { model = "llm" }, unitPrice = 1m } },
        })).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        await (await op.PutAsJsonAsync("/v1/price-book", new
        {
            currency = "EUR", effectiveFrom = change,
            prices = new[] { new { meter = "tokens-in", dimensions = new { model = "llm" }, unitPrice = 1m } },
        })).ExpectProblemAsync(HttpStatusCode.Conflict, "currency-mismatch");

        var v2 = await (await op.PutAsJsonAsync("/v1/price-book", new
        {
            currency = "USD", effectiveFrom = change,
            prices = new object[]
            {
                new { meter = "tokens-in", dimensions = new { model = "llm" }, unitPrice = 0.000005m },
                new { meter = "inferences", dimensions = new { }, unitPrice = BillingFixtures.Inference },
            },
        })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(2, v2.GetProperty("version").GetInt32());

        await client.PostUsageAsync(
        [
            BillingFixtures.Event("before", "tokens-in", change.AddMinutes(-30), 1_000_000m, new { model = "llm" }),
            BillingFixtures.Event("after", "tokens-in", change.AddMinutes(30), 1_000_000m, new { model = "llm" }),
        ]);

        var statement = await (await client.GetAsync($"/v1/tenants/midmonth/statements/{BillingFixtures.Month(change)}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("open", statement.GetProperty("status").GetString());
        var lines = statement.GetProperty("lines").EnumerateArray().ToList();
        Assert.Equal(2, lines.Count);
        Assert.Equal([1, 2], lines.Select(l => l.GetProperty("priceBookVersion").GetInt32()));
        Assert.Equal([BillingFixtures.TokensInLlm, 0.000005m], lines.Select(l => l.GetProperty("unitPrice").GetDecimal()));
        Assert.Equal([2.00m, 5.00m], lines.Select(l => l.GetProperty("amount").GetDecimal()));
        Assert.Equal(change, lines[0].GetProperty("periodEnd").GetDateTimeOffset());
        Assert.Equal(change, lines[1].GetProperty("periodStart").GetDateTimeOffset());
        Assert.Equal(7.00m, statement.GetProperty("total").GetDecimal());

        // The price book answers for any time; history lists both versions with their periods.
        var before = await (await client.GetAsync($"/v1/price-book?at={Uri.EscapeDataString(change.AddMinutes(-1).ToString("O"))}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(1, before.GetProperty("version").GetInt32());
        Assert.Equal(change, before.GetProperty("effectiveUntil").GetDateTimeOffset());
        var history = await (await client.GetAsync("/v1/price-book/versions")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal([1, 2], history.GetProperty("items").EnumerateArray().Select(v => v.GetProperty("version").GetInt32()));

        // Tenants read prices but never write them.
        await (await client.PutAsJsonAsync("/v1/price-book", new { currency = "USD", effectiveFrom = change.AddHours(5), prices = Array.Empty<object>() }))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task The_most_specific_matching_price_wins()
    {
        await app.EnsurePriceBookAsync();
        var sa = await app.CreateTenantWithAccountAsync("specific", "developer");
        using var client = app.ClientWithToken(sa.Token);
        var at = DateTimeOffset.UtcNow.AddMinutes(-3);

        await client.PostUsageAsync(
        [
            BillingFixtures.Event("llm", "tokens-in", at, 1_000_000m, new { model = "llm", region = "eu" }),
            BillingFixtures.Event("other", "tokens-in", at, 1_000_000m, new { model = "other" }),
        ]);

        var byModel = await client.CostsAsync("specific", "model", to: DateTimeOffset.UtcNow.AddHours(1));
        Assert.Equal(1_000_000m * BillingFixtures.TokensInLlm, byModel.Amount("llm"));
        Assert.Equal(1_000_000m * BillingFixtures.TokensIn, byModel.Amount("other"));
    }
}
