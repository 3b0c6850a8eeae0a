using System.Text.Json;
using ControlPlane.Cli;

namespace ControlPlane.IntegrationTests.Cli;

/// <summary>
/// `controlplane rollout …` and `apply` of Rollout documents against the running service, its rollout worker and a real
/// Prometheus scraping the test's exporter: --wait ends with the rollout's outcome, a document starts its rollout once,
/// refusals and outcomes map to the documented exit codes.
/// </summary>
public sealed class CliRolloutTests(RolloutApp app) : IClassFixture<RolloutApp>, IDisposable
{
    private readonly DocumentFolder _documents = new();

    private string Document(string file, string yaml) => _documents.Write(file, yaml);

    /// <summary>A canary of <paramref name="image"/> on <paramref name="placement"/>, gated on an error rate of at most 5%, judged every second.</summary>
    private static string Rollout(string tenant, string placement, string image, string steps) => $"""
        kind: Rollout
        metadata:
          tenant: {tenant}
          placement: {placement}
        spec:
          image: "{image}"
          strategy:
            type: canary
            steps: {steps}
          analysis:
            interval: 1s
            failureLimit: 0
            gates:
              - metric: error-rate
                max: 0.05
        """;

    [Fact]
    public async Task Apply_with_wait_returns_once_the_rollout_is_promoted_status_shows_each_gate_and_re_applying_the_document_starts_no_second_rollout()
    {
        const string tenant = "cli-ro-ok";
        var (_, exporter) = await PrometheusServer.SharedAsync();
        await app.RegisterClusterWithGatewayAsync("cli-ro-c1", "cli-ro-region-1");
        var developer = await app.DeveloperWithPlacementsAsync(tenant, "cli-ro-region-1", 1, "chat");
        exporter.Serve("t-" + tenant, SloWorld.PodOf("chat"), ok: 200);
        exporter.Serve("t-" + tenant, RolloutWorld.CanaryPodOf("chat"), ok: 200);
        using var cli = new CliRunner(app, developer.ClientId, developer.ClientSecret);
        var rollout = Document("rollout.yaml", Rollout(tenant, "chat", "registry.example/llm:2", "[{weight: 20, pause: 2s}, {weight: 50, pause: 2s}]"));

        var dryRun = await cli.RunAsync("apply", "-f", rollout, "--dry-run");
        var applied = await cli.RunAsync("apply", "-f", rollout, "--wait", "--timeout", "00:01:30");
        var again = await cli.RunAsync("apply", "-f", rollout, "--wait");

        Assert.True(dryRun.ExitCode == ExitCodes.Ok, dryRun.ToString());
        Assert.Contains("rollout/chat would be started (dry run)", dryRun.Stdout, StringComparison.Ordinal);
        Assert.True(applied.ExitCode == ExitCodes.Ok, applied.ToString());
        Assert.Equal("rollout/chat#1 started\n", applied.Stdout);
        Assert.Contains("rollout/chat#1: progressing, step 1/2, weight 20%", applied.Stderr, StringComparison.Ordinal);
        Assert.Contains("rollout/chat#1: promoted", applied.Stderr, StringComparison.Ordinal);
        Assert.True(again.ExitCode == ExitCodes.Ok, again.ToString());
        Assert.True(again.Stdout == "rollout/chat#1 unchanged (this document started it; now promoted)\n", again.ToString());

        var listed = await cli.RunAsync("rollout", "list", "chat", "-o", "json");
        Assert.Equal([1], JsonDocument.Parse(listed.Stdout).RootElement.EnumerateArray().Select(r => r.GetProperty("id").GetInt32()));
        var json = await cli.RunAsync("rollout", "status", "chat", "1", "-o", "json");
        Assert.True(json.ExitCode == ExitCodes.Ok, json.ToString());
        var status = JsonDocument.Parse(json.Stdout).RootElement.GetProperty("status");
        Assert.Equal("promoted", status.GetProperty("phase").GetString());
        var gate = status.GetProperty("analysisRuns").EnumerateArray().Last().GetProperty("gates").EnumerateArray().Single();
        Assert.Equal("error-rate", gate.GetProperty("gate").GetString());
        Assert.Equal(0.05, gate.GetProperty("limit").GetDouble(), 6);
        Assert.Equal("pass", gate.GetProperty("verdict").GetString());

        var table = await cli.RunAsync("rollout", "status", "chat");
        Assert.True(table.ExitCode == ExitCodes.Ok, table.ToString());
        Assert.Contains("promoted", table.Stdout, StringComparison.Ordinal);
        Assert.Contains("registry.example/llm:2", table.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"error-rate\s+0\s+0\s+0\.05\s+pass", table.Stdout);
        var yaml = await cli.RunAsync("rollout", "status", "chat", "-o", "yaml");
        Assert.Contains("phase: promoted", yaml.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rolled_back_rollout_exits_failed_a_second_start_while_one_is_active_exits_refused_and_pause_resume_abort_act_on_the_latest()
    {
        const string tenant = "cli-ro-fail";
        var (_, exporter) = await PrometheusServer.SharedAsync();
        await app.RegisterClusterWithGatewayAsync("cli-ro-c2", "cli-ro-region-2");
        await app.RegisterClusterAsync("cli-ro-c3", "cli-ro-region-3"); // a pool the tenant's region rules out: a rejection code in every decision
        await app.CreatePoolAsync("cli-ro-c3", GpuFleet.H100OnDemand("cli-ro-c3-h100"));
        var developer = await app.DeveloperWithPlacementsAsync(tenant, "cli-ro-region-2", 1, "chat", "api");
        exporter.Serve("t-" + tenant, SloWorld.PodOf("chat"), ok: 200);
        exporter.Serve("t-" + tenant, RolloutWorld.CanaryPodOf("chat"), ok: 200, errors: 100);
        exporter.Serve("t-" + tenant, SloWorld.PodOf("api"), ok: 200);
        exporter.Serve("t-" + tenant, RolloutWorld.CanaryPodOf("api"), ok: 200);
        using var cli = new CliRunner(app, developer.ClientId, developer.ClientSecret);

        var failing = await cli.RunAsync("rollout", "start", "-f",
            Document("bad.yaml", Rollout(tenant, "chat", "registry.example/llm:bad", "[{weight: 10, pause: 1h}]")), "--wait", "--timeout", "00:01:30");
        Assert.True(failing.ExitCode == ExitCodes.Failed, failing.ToString());
        Assert.Contains("rollout/chat#1 was rolled-back", failing.Stderr, StringComparison.Ordinal);
        Assert.Matches(@"error-rate canary 0\.\d+ stable 0 limit 0\.05 fail", failing.Stderr);

        var started = await cli.RunAsync("rollout", "start", "-f", Document("v2.yaml", Rollout(tenant, "api", "registry.example/llm:2", "[{weight: 10, pause: 1h}]")));
        var second = Document("v3.yaml", Rollout(tenant, "api", "registry.example/llm:3", "[{weight: 10, pause: 1h}]"));
        var wouldBeRefused = await cli.RunAsync("apply", "-f", second, "--dry-run");
        var refused = await cli.RunAsync("apply", "-f", second, "--wait");
        Assert.True(started.ExitCode == ExitCodes.Ok, started.ToString());
        Assert.True(wouldBeRefused.ExitCode == ExitCodes.Refused, wouldBeRefused.ToString());
        Assert.True(wouldBeRefused.Stdout.Contains("rollout #1 is progressing", StringComparison.Ordinal), wouldBeRefused.ToString());
        Assert.True(refused.ExitCode == ExitCodes.Refused, refused.ToString());
        Assert.Empty(refused.Stdout);
        Assert.Contains("(409)", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains("already has a rollout in progress", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains("type: https://controlplane.dev/problems/rollout-in-progress", refused.Stderr, StringComparison.Ordinal);

        var placement = await cli.RunAsync("placements", "get", "api", "-o", "json");
        Assert.True(placement.ExitCode == ExitCodes.Ok, placement.ToString());
        Assert.Contains(JsonDocument.Parse(placement.Stdout).RootElement.GetProperty("status").GetProperty("decision").GetProperty("candidates").EnumerateArray(),
            c => c.TryGetProperty("reasonCode", out var code) && code.GetString() == "region-not-allowed");

        var paused = await cli.RunAsync("rollout", "pause", "api", "-o", "json");
        var resumed = await cli.RunAsync("rollout", "resume", "api", "1", "-o", "json");
        var aborted = await cli.RunAsync("rollout", "abort", "api");
        Assert.Equal("paused", PhaseOf(paused));
        Assert.Equal("progressing", PhaseOf(resumed));
        Assert.True(aborted.ExitCode == ExitCodes.Ok, aborted.ToString());
        Assert.Contains("aborted", aborted.Stdout, StringComparison.Ordinal);
        using var client = app.ClientWithToken(developer.Token);
        Assert.Equal("aborted", (await client.WaitForRolloutAsync(tenant, "api", 1, _ => true, "the rollout")).RolloutPhase());

        var unknown = await cli.RunAsync("rollout", "status", "api", "7");
        var none = await cli.RunAsync("rollout", "promote", "nothing");
        Assert.True(unknown.ExitCode == ExitCodes.NotFound, unknown.ToString());
        Assert.True(none.ExitCode == ExitCodes.NotFound, none.ToString());
    }

    private static string PhaseOf(CliResult result)
    {
        Assert.True(result.ExitCode == ExitCodes.Ok, result.ToString());
        return JsonDocument.Parse(result.Stdout).RootElement.GetProperty("status").GetProperty("phase").GetString()!;
    }

    public void Dispose() => _documents.Dispose();
}
