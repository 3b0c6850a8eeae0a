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
    public async Task A_principal_over_its_limit_gets_429_with_retry_after_and_others_are_unaffected()
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
        Assert.True(limited.Headers.Contains("RateLimit"));
        Assert.InRange(responses.Count(r => r.StatusCode == HttpStatusCode.OK), 5, 7);

        // Health probes are never limited.
        using var anonymous = app.CreateClient();
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/healthz")).StatusCode);
        }
    }
}
