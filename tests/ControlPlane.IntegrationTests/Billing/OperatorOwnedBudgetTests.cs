namespace ControlPlane.IntegrationTests.Billing;

/// <summary>
/// A hard cap a platform operator set is the operator's: tenant admins read it and tune its alert thresholds, but
/// cannot raise it, remove its cap or delete it (403); a budget a tenant set for itself stays the tenant's.
/// </summary>
public sealed class OperatorOwnedBudgetTests(BillingApp app) : IClassFixture<BillingApp>
{
    private async Task<(HttpClient Operator, HttpClient Admin)> CappedByOperatorAsync(string tenant)
    {
        await app.EnsurePriceBookAsync();
        var admin = app.ClientWithToken((await app.CreateTenantWithAccountAsync(tenant, "tenant-admin")).Token);
        var op = await app.OperatorClientAsync();
        var set = await (await op.PutAsJsonAsync($"/v1/tenants/{tenant}/budget", new { monthlyAmount = 100m, alertThresholds = new[] { 80 }, hardCap = true }))
            .ExpectAsync(HttpStatusCode.OK);
        Assert.True(set.GetProperty("operatorOwned").GetBoolean());
        return (op, admin);
    }

    [Fact]
    public async Task A_tenant_admin_reads_it_and_may_change_its_alert_thresholds()
    {
        var (op, admin) = await CappedByOperatorAsync("owned-read");
        using (op)
        using (admin)
        {
            var read = await (await admin.GetAsync("/v1/tenants/owned-read/budget")).ExpectAsync(HttpStatusCode.OK);
            Assert.Equal(100m, read.GetProperty("monthlyAmount").GetDecimal());
            Assert.True(read.GetProperty("operatorOwned").GetBoolean());

            var tuned = await (await admin.PutAsJsonAsync("/v1/tenants/owned-read/budget",
                new { monthlyAmount = 100m, alertThresholds = new[] { 25, 50, 90 }, hardCap = true })).ExpectAsync(HttpStatusCode.OK);
            Assert.Equal([25, 50, 90], tuned.GetProperty("alertThresholds").EnumerateArray().Select(t => t.GetInt32()));
            Assert.True(tuned.GetProperty("operatorOwned").GetBoolean());
            Assert.True(tuned.GetProperty("hardCap").GetBoolean());
        }
    }

    [Theory]
    [InlineData("owned-raise", 100.01, true)]
    [InlineData("owned-soften", 100, false)]
    public async Task A_tenant_admin_cannot_raise_it_or_soften_it_to_alerts_only(string tenant, decimal amount, bool hardCap)
    {
        var (op, admin) = await CappedByOperatorAsync(tenant);
        using (op)
        using (admin)
        {
            await (await admin.PutAsJsonAsync($"/v1/tenants/{tenant}/budget", new { monthlyAmount = amount, alertThresholds = new[] { 80 }, hardCap }))
                .ExpectProblemAsync(HttpStatusCode.Forbidden, "budget-operator-owned");
            await ExpectUnchangedAsync(admin, tenant);
        }
    }

    [Fact]
    public async Task A_tenant_admin_cannot_delete_it_and_an_operator_can()
    {
        var (op, admin) = await CappedByOperatorAsync("owned-delete");
        using (op)
        using (admin)
        {
            await (await admin.DeleteAsync("/v1/tenants/owned-delete/budget")).ExpectProblemAsync(HttpStatusCode.Forbidden, "budget-operator-owned");
            await ExpectUnchangedAsync(admin, "owned-delete");
            await (await op.DeleteAsync("/v1/tenants/owned-delete/budget")).ExpectAsync(HttpStatusCode.NoContent);
        }
    }

    [Fact]
    public async Task A_tenant_admin_may_lower_it_and_it_stays_operator_owned()
    {
        var (op, admin) = await CappedByOperatorAsync("owned-lower");
        using (op)
        using (admin)
        {
            var lowered = await (await admin.PutAsJsonAsync("/v1/tenants/owned-lower/budget", new { monthlyAmount = 60m, alertThresholds = new[] { 80 }, hardCap = true }))
                .ExpectAsync(HttpStatusCode.OK);
            Assert.True(lowered.GetProperty("operatorOwned").GetBoolean());
            await (await admin.PutAsJsonAsync("/v1/tenants/owned-lower/budget", new { monthlyAmount = 100m, alertThresholds = new[] { 80 }, hardCap = true }))
                .ExpectProblemAsync(HttpStatusCode.Forbidden, "budget-operator-owned");
        }
    }

    [Fact]
    public async Task A_budget_the_tenant_set_itself_stays_its_own()
    {
        await app.EnsurePriceBookAsync();
        using var admin = app.ClientWithToken((await app.CreateTenantWithAccountAsync("self-set", "tenant-admin")).Token);
        var own = await (await admin.PutAsJsonAsync("/v1/tenants/self-set/budget", new { monthlyAmount = 50m, hardCap = true })).ExpectAsync(HttpStatusCode.OK);
        Assert.False(own.GetProperty("operatorOwned").GetBoolean());
        await (await admin.PutAsJsonAsync("/v1/tenants/self-set/budget", new { monthlyAmount = 500m, hardCap = false })).ExpectAsync(HttpStatusCode.OK);
        await (await admin.DeleteAsync("/v1/tenants/self-set/budget")).ExpectAsync(HttpStatusCode.NoContent);
    }

    private static async Task ExpectUnchangedAsync(HttpClient admin, string tenant)
    {
        var budget = await (await admin.GetAsync($"/v1/tenants/{tenant}/budget")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(100m, budget.GetProperty("monthlyAmount").GetDecimal());
        Assert.True(budget.GetProperty("hardCap").GetBoolean());
    }
}
