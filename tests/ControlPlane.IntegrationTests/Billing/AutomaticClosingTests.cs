namespace ControlPlane.IntegrationTests.Billing;

/// <summary>The service with no grace period: every ended month with usage is due for closing.</summary>
public sealed class NoGraceBillingApp : BillingApp
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>(base.ExtraSettings)
    {
        ["Billing:StatementGracePeriod"] = "00:00:00",
    };
}

/// <summary>Months close by themselves once their grace period is over, exactly once, as the system.</summary>
public sealed class AutomaticClosingTests(NoGraceBillingApp app) : IClassFixture<NoGraceBillingApp>
{
    [Fact]
    public async Task An_ended_month_past_its_grace_period_is_closed_once_by_the_worker_and_the_open_month_is_not()
    {
        await app.EnsurePriceBookAsync();
        var sa = await app.CreateTenantWithAccountAsync("autoclose", "developer");
        using var client = app.ClientWithToken(sa.Token);
        var lastMonth = BillingFixtures.MonthStart(DateTimeOffset.UtcNow).AddMonths(-1);
        await app.BackdateTenantAsync("autoclose", lastMonth);
        await client.PostUsageAsync(
        [
            BillingFixtures.Event("old", "inferences", lastMonth.AddDays(1), 2000m),
            BillingFixtures.Event("new", "inferences", DateTimeOffset.UtcNow.AddMinutes(-1), 10m),
        ]);

        // Three replicas' workers at once: the statement's primary key and the usage lock let exactly one close it.
        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => app.MeteringPassAsync(DateTimeOffset.UtcNow)));

        var statement = await (await client.GetAsync($"/v1/tenants/autoclose/statements/{BillingFixtures.Month(lastMonth)}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(("closed", 1.00m), (statement.GetProperty("status").GetString(), statement.GetProperty("total").GetDecimal()));
        var current = await (await client.GetAsync($"/v1/tenants/autoclose/statements/{BillingFixtures.Month(DateTimeOffset.UtcNow)}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("open", current.GetProperty("status").GetString());
        using var op = await app.OperatorClientAsync();
        var audit = await (await op.GetAsync("/v1/audit-events?tenant=autoclose&pageSize=200")).ExpectAsync(HttpStatusCode.OK);
        var closing = Assert.Single(audit.GetProperty("items").EnumerateArray(), e => e.GetProperty("action").GetString() == "statement.close");
        Assert.Equal("system", closing.GetProperty("actor").GetString());
    }
}
