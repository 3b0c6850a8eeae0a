namespace ControlPlane.IntegrationTests.Operations;

public sealed class HealthAndMetricsTests(ControlPlaneApp app) : IClassFixture<ControlPlaneApp>
{
    [Fact]
    public async Task Liveness_and_readiness_answer_without_a_token()
    {
        using var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        var ready = await client.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Metrics_expose_request_durations_and_the_projects_own_meters()
    {
        await app.TokenAsync(ControlPlaneApp.OperatorClientId, ControlPlaneApp.OperatorClientSecret);
        using var op = await app.OperatorClientAsync();
        await op.GetAsync("/v1/tenants");
        using var client = app.CreateClient();
        var metrics = await Eventually.MatchesAsync(() => client.GetStringAsync("/metrics"),
            text => text.Contains("controlplane_tenants", StringComparison.Ordinal), "the controlplane_tenants gauge on /metrics");

        Assert.Contains("http_server_request_duration_seconds", metrics, StringComparison.Ordinal);
        Assert.Matches("controlplane_tokens_issued_total\\{[^}]*client_type=\"operator\"", metrics);
        Assert.Contains("controlplane_tenants{", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_route_is_a_404_problem_with_request_id()
    {
        using var op = await app.OperatorClientAsync();
        var response = await op.GetAsync("/v1/nothing-here");
        await response.ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
        Assert.True(response.Headers.Contains("X-Request-Id"));
    }
}
