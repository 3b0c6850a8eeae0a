namespace ControlPlane.IntegrationTests.Operations;

public sealed class VerboseLoggingApp : ControlPlaneApp
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings =>
        new Dictionary<string, string?> { ["Serilog:MinimumLevel:Default"] = "Information" };
}

public sealed class RequestLoggingTests(VerboseLoggingApp app) : IClassFixture<VerboseLoggingApp>
{
    [Fact]
    public async Task Every_request_is_logged_with_the_request_id_the_caller_sees()
    {
        using var op = await app.OperatorClientAsync();
        var response = await op.GetAsync("/v1/tenants/nobody");
        var requestId = response.Headers.GetValues("X-Request-Id").Single();
        var problem = await response.ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
        Assert.Equal(requestId, problem.GetProperty("requestId").GetString());
        Assert.Matches("^[0-9a-f]{32}$", requestId);
        // The request log line is written after the response is sent: wait for it (bounded).
        bool Logged() => app.Logs.Lines.Any(line => line.Contains("/v1/tenants/nobody", StringComparison.Ordinal)
            && line.Contains($"trace={requestId}", StringComparison.Ordinal));
        await Eventually.TrueAsync(Logged, "the request log line with its trace id");
    }
}
