using System.Text.Json;
using ControlPlane.Cli;

namespace ControlPlane.IntegrationTests.Cli;

/// <summary>The controlplane CLI against the running service, with nothing but environment variables, as in CI.</summary>
public sealed class CliTests(ControlPlaneApp app) : IClassFixture<ControlPlaneApp>, IDisposable
{
    private readonly DocumentFolder _documents = new();

    private Task<TenantPrincipal> FleetAndTenantAsync(string tenant, long gpus) => app.ArrangeOnceAsync("tenant-" + tenant, async () =>
    {
        await app.ArrangeOnceAsync("fleet", async () =>
        {
            await app.RegisterClusterAsync("c1");
            await app.CreatePoolAsync("c1", GpuFleet.H100OnDemand());
            return true;
        });
        var account = await app.CreateTenantWithAccountAsync(tenant, "developer");
        await app.SetQuotaAsync(tenant, "gpu.h100", gpus);
        await app.SetQuotaAsync(tenant, "placements", 4);
        return account;
    });

    private string Document(string file, string yaml) => _documents.Write(file, yaml);

    private static string Placement(string tenant, string name, int min, int max) => $"""
        kind: Placement
        metadata:
          tenant: {tenant}
          name: {name}
        spec:
          kind: inference
          image: "registry.example/llm:1.0"
          replicas:
            min: {min}
            max: {max}
          resources:
            gpuModel: h100
            gpusPerReplica: 1
        """;

    [Fact]
    public async Task Apply_with_wait_creates_the_placement_returns_once_it_runs_and_a_second_apply_updates_it_with_if_match()
    {
        var ci = await FleetAndTenantAsync("acme", 8);
        var emulator = await app.EmulatorAsync();
        using var cli = new CliRunner(app, ci.ClientId, ci.ClientSecret);
        var placement = Document("llm.yaml", Placement("acme", "llm", 2, 2));

        var applying = cli.RunAsync("apply", "-f", placement, "--wait", "--timeout", "00:01:00");
        await Eventually.MatchesAsync(() => Task.FromResult(emulator.Get("apps/v1", "deployments", "t-acme", "llm")), d => d is not null || applying.IsCompleted,
            "the Deployment of llm");
        emulator.MarkReady("acme", "llm", 2);
        var applied = await applying;

        Assert.True(applied.ExitCode == ExitCodes.Ok, applied.ToString());
        Assert.Contains("placement/llm created", applied.Stdout, StringComparison.Ordinal);
        Assert.Contains("placement/llm: running, 2/2 replicas ready", applied.Stderr, StringComparison.Ordinal);

        Document("llm.yaml", Placement("acme", "llm", 2, 3));
        var updated = await cli.RunAsync("apply", "-f", _documents.Path);
        Assert.True(updated.ExitCode == ExitCodes.Ok, updated.ToString());
        Assert.Contains("placement/llm configured", updated.Stdout, StringComparison.Ordinal);

        var shown = await cli.RunAsync("placements", "get", "llm", "-o", "json");
        Assert.True(shown.ExitCode == ExitCodes.Ok, shown.ToString());
        var json = JsonDocument.Parse(shown.Stdout).RootElement;
        Assert.Equal("llm", json.GetProperty("name").GetString());
        Assert.Equal(3, json.GetProperty("spec").GetProperty("replicas").GetProperty("max").GetInt32());

        var listed = await cli.RunAsync("placements", "list", "-o", "json");
        Assert.Equal(["llm"], JsonDocument.Parse(listed.Stdout).RootElement.EnumerateArray().Select(p => p.GetProperty("name").GetString()));
        var table = await cli.RunAsync("placements", "list");
        Assert.Contains("llm", table.Stdout, StringComparison.Ordinal);
        Assert.Contains("1 x h100", table.Stdout, StringComparison.Ordinal);
        Assert.Contains("h100-od", table.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_quota_refusal_exits_with_the_refused_code_and_prints_the_problem_on_stderr()
    {
        var ci = await FleetAndTenantAsync("tight", 1);
        using var cli = new CliRunner(app, ci.ClientId, ci.ClientSecret);
        var placement = Document("big.yaml", Placement("tight", "big", 2, 2));

        var preview = await cli.RunAsync("apply", "-f", placement, "--dry-run");
        var refused = await cli.RunAsync("apply", "-f", placement, "--wait");

        Assert.True(preview.ExitCode == ExitCodes.Refused, preview.ToString());
        Assert.Contains("not admissible", preview.Stdout, StringComparison.Ordinal);
        Assert.True(refused.ExitCode == ExitCodes.Refused, refused.ToString());
        Assert.Empty(refused.Stdout);
        Assert.Contains("(409)", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains("gpu.h100", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains("type: https://controlplane.dev/problems/quota-exceeded", refused.Stderr, StringComparison.Ordinal);
        using var client = app.ClientWithToken(ci.Token);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/v1/tenants/tight/placements/big")).StatusCode);
    }

    [Fact]
    public async Task Exit_codes_tell_usage_errors_field_errors_unknown_resources_and_bad_credentials_apart()
    {
        var ci = await FleetAndTenantAsync("codes", 8);
        using var cli = new CliRunner(app, ci.ClientId, ci.ClientSecret);
        var typo = Document("typo.yaml", Placement("codes", "typo", 1, 1).Replace("gpusPerReplica", "gpusPerReplika", StringComparison.Ordinal));
        var invalid = Document("invalid.yaml", Placement("codes", "Not_A_Label", 1, 1));

        var usage = await cli.RunAsync("apply", "-f", typo);
        var fieldErrors = await cli.RunAsync("apply", "-f", invalid);
        var notFound = await cli.RunAsync("placements", "get", "nothing");
        var badSecret = await new CliRunner(app, ci.ClientId, "wrong-secret-0123456789abcdef").RunAsync("placements", "list");

        Assert.True(usage.ExitCode == ExitCodes.Usage, usage.ToString());
        Assert.Contains("spec.resources.gpusPerReplika", usage.Stderr, StringComparison.Ordinal);
        Assert.True(fieldErrors.ExitCode == ExitCodes.Refused, fieldErrors.ToString());
        Assert.Contains("  - name: ", fieldErrors.Stderr, StringComparison.Ordinal);
        Assert.True(notFound.ExitCode == ExitCodes.NotFound, notFound.ToString());
        Assert.True(badSecret.ExitCode == ExitCodes.Authentication, badSecret.ToString());
        Assert.Contains("invalid_client", badSecret.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_stores_the_credentials_readable_by_the_owner_only_and_later_commands_use_them()
    {
        var ci = await FleetAndTenantAsync("login", 8);
        using var cli = new CliRunner(app);
        cli.Stdin = ci.ClientSecret + "\n";

        var login = await cli.RunAsync("login", "--url", app.Server.BaseAddress.ToString(), "--client-id", ci.ClientId, "--client-secret-stdin");
        var listed = await cli.With("CONTROLPLANE_URL", null).RunAsync("models", "list", "-o", "json");

        Assert.True(login.ExitCode == ExitCodes.Ok, login.ToString());
        var file = Path.Combine(cli.ConfigDirectory, "login.json");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, ModeOf(file));
        Assert.Contains(ci.ClientSecret, await File.ReadAllTextAsync(file), StringComparison.Ordinal);
        Assert.True(listed.ExitCode == ExitCodes.Ok, listed.ToString());
        Assert.Equal(JsonValueKind.Array, JsonDocument.Parse(listed.Stdout).RootElement.ValueKind);
    }

    [Fact]
    public async Task A_token_is_reused_across_invocations_until_shortly_before_it_expires()
    {
        var ci = await FleetAndTenantAsync("cache", 8);
        using var cli = new CliRunner(app, ci.ClientId, ci.ClientSecret);

        for (var i = 0; i < 3; i++)
        {
            var run = await cli.RunAsync("placements", "list", "-o", "json");
            Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        }

        Assert.Equal(1, cli.Requests.Count("/connect/token"));
        Assert.Equal(3, cli.Requests.Count("/v1/tenants/cache/placements"));
        var cache = Path.Combine(cli.ConfigDirectory, "tokens.json");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, ModeOf(cache));

        // Within the renewal margin (60 s) of its expiry the cached token is no longer sent: a new one is requested.
        var tokens = JsonDocument.Parse(await File.ReadAllTextAsync(cache)).RootElement.EnumerateObject().Single();
        var nearlyExpired = new Dictionary<string, object> { [tokens.Name] = new { value = tokens.Value.GetProperty("value").GetString(), expiresAt = DateTimeOffset.UtcNow.AddSeconds(30) } };
        await File.WriteAllTextAsync(cache, JsonSerializer.Serialize(nearlyExpired));
        var renewed = await cli.RunAsync("placements", "list", "-o", "json");

        Assert.True(renewed.ExitCode == ExitCodes.Ok, renewed.ToString());
        Assert.Equal(2, cli.Requests.Count("/connect/token"));
    }

    /// <summary>The credentials' file mode (this suite runs on Linux, where 0600 is what keeps them private).</summary>
    private static UnixFileMode ModeOf(string path) =>
        OperatingSystem.IsWindows() ? throw new PlatformNotSupportedException() : File.GetUnixFileMode(path);

    public void Dispose() => _documents.Dispose();
}
