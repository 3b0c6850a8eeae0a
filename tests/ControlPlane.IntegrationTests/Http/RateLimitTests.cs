namespace ControlPlane.IntegrationTests.Http;

public sealed class RateLimitedApp : ControlPlaneApp
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
    {
        ["RateLimiting:PermitsPerSecond"] = "1",
        ["RateLimiting:Burst"] = "5",
    };
}

public sealed class RateLimitTests(RateLimitedApp app) : IClassFixture<RateLimitedApp>
{
    [Fact]
    public async Task A_principal_over_its_limit_gets_429_with_retry_after_and_every_answer_says_its_budget()
    {
        var token = await app.TokenAsync(ControlPlaneApp.OperatorClientId, ControlPlaneApp.OperatorClientSecret);
        using var op = app.ClientWithToken(token);
        var responses = new List<HttpResponseMessage>();
        for (var i = 0; i < 12; i++)
        {
            responses.Add(await op.GetAsync("/v1/tenants"));
        }

        var limited = responses.First(r => r.StatusCode == HttpStatusCode.TooManyRequests);
        await limited.ExpectProblemAsync(HttpStatusCode.TooManyRequests, "rate-limited");
        Assert.True(limited.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        Assert.Matches("^limit=5, remaining=0, reset=[1-9][0-9]*$", limited.Headers.GetValues("RateLimit").Single());
        Assert.InRange(responses.Count(r => r.StatusCode == HttpStatusCode.OK), 5, 7);

        // Every limited answer, not only the 429, tells the caller its policy and what is left of its budget (as documented).
        var first = responses[0];
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("5;w=1;burst=5;rate=1", first.Headers.GetValues("RateLimit-Policy").Single());
        Assert.Matches("^limit=5, remaining=[3-5], reset=[0-9]+$", first.Headers.GetValues("RateLimit").Single());

        // Health probes are never limited.
        using var anonymous = app.CreateClient();
        for (var i = 0; i < 10; i++)
        {
            using var probe = await anonymous.GetAsync("/healthz");
            Assert.Equal(HttpStatusCode.OK, probe.StatusCode);
            Assert.False(probe.Headers.Contains("RateLimit"));
        }
    }
}

/// <summary>Budgets are per principal: one caller at its limit takes nothing from another (a fixture of its own: fresh buckets).</summary>
public sealed class RateLimitPerPrincipalTests(RateLimitedApp app) : IClassFixture<RateLimitedApp>
{
    [Fact]
    public async Task A_principal_at_its_limit_leaves_another_principals_budget_whole()
    {
        var other = await app.CreateTenantWithAccountAsync("budget-other", "tenant-admin");
        using var op = await app.OperatorClientAsync();
        HttpStatusCode status;
        var sent = 0;
        do
        {
            using var response = await op.GetAsync("/v1/tenants");
            status = response.StatusCode;
        }
        while (status != HttpStatusCode.TooManyRequests && ++sent < 20);
        Assert.Equal(HttpStatusCode.TooManyRequests, status);

        using var client = app.ClientWithToken(other.Token);
        using var own = await client.GetAsync("/v1/tenants/budget-other");
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        // Its first request of the burst: at most one permit refilled since its bucket was created full.
        Assert.Matches("^limit=5, remaining=4, reset=[0-9]+$", own.Headers.GetValues("RateLimit").Single());
    }
}
