using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text.RegularExpressions;
using ControlPlane.Application.Abstractions;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ControlPlane.IntegrationTests.Operations;

/// <summary>The capacity sync every 200 ms, so that a test sees several passes.</summary>
public sealed class FastSyncApp : ControlPlaneApp
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings =>
        new Dictionary<string, string?> { ["Clusters:SyncInterval"] = "00:00:00.200" };
}

public sealed class WorkerIsolationAndMetricsTests(FastSyncApp app) : IClassFixture<FastSyncApp>
{
    [Fact]
    public async Task A_cluster_whose_stored_token_breaks_every_call_does_not_stop_the_sync_of_the_others_and_is_counted()
    {
        // The counter is read from this host's own instrument: in a test process dozens of hosts export same-named
        // meters, and what /metrics lists of a late instrument is not deterministic there (one host per process is).
        using var failures = new WorkerFailureCounts(app.Services.GetRequiredService<IMeterFactory>());
        var emulator = await app.EmulatorAsync();
        using var op = await app.OperatorClientAsync();
        // Sorted first, so that a pass that died on it would never reach the healthy cluster.
        await app.RegisterClusterAsync("a-broken", region: "sync-r");
        await StoreCredentialsAsync("a-broken", $$"""{"BearerToken":"{{emulator.BearerToken}}\r\nX-Injected: 1"}""");
        await app.RegisterClusterAsync("b-healthy", region: "sync-r");
        await app.CreatePoolAsync("b-healthy", GpuFleet.H100OnDemand("healthy-pool", nodeCount: 1));
        var labels = new Dictionary<string, string> { ["accelerator"] = "h100", ["pool"] = "healthy-pool" };
        for (var i = 0; i < 3; i++)
        {
            emulator.PutNode($"healthy-node-{i}", new Dictionary<string, string> { ["nvidia.com/gpu"] = "8" }, labels);
        }

        // Only the periodic worker syncs here: nobody calls POST …/sync.
        await Eventually.MatchesAsync(async () => (await (await op.GetAsync("/v1/clusters/b-healthy/node-pools/healthy-pool")).JsonAsync()).GetProperty("nodeCount").GetInt32(),
            nodes => nodes == 3, "the healthy cluster's capacity synced by the worker");
        await Eventually.TrueAsync(() => failures.Of("cluster-capacity-sync", "sync", "a-broken") >= 2, "the broken cluster counted as failing, pass after pass");
        Assert.Equal(0, failures.Of("cluster-capacity-sync", "sync", "b-healthy"));
        var broken = await (await op.GetAsync("/v1/clusters/a-broken")).ExpectAsync(HttpStatusCode.OK);
        Assert.False(broken.GetProperty("status").GetProperty("reachable").GetBoolean());
        Assert.Contains("control characters", broken.GetProperty("status").GetProperty("lastSyncError").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(app.Logs.Lines, line => line.Contains(emulator.BearerToken, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Admissions_are_counted_by_outcome_and_reconcile_durations_use_second_buckets()
    {
        var emulator = await app.EmulatorAsync();
        await app.RegisterClusterAsync("adm-c", region: "adm-r");
        await app.CreatePoolAsync("adm-c", GpuFleet.H100OnDemand("adm-pool"));
        var ci = await app.CreateTenantWithAccountAsync("adm-t", "developer");
        await app.SetQuotaAsync("adm-t", "gpu.h100", 1);
        await app.SetQuotaAsync("adm-t", "placements", 5);
        await app.RestrictToRegionAsync("adm-t", "adm-r");
        using var client = app.ClientWithToken(ci.Token);
        await (await client.PostAsJsonAsync("/v1/tenants/adm-t/placements", GpuFleet.OneH100Inference("one"))).ExpectAsync(HttpStatusCode.Created);
        await (await client.PostAsJsonAsync("/v1/tenants/adm-t/placements", GpuFleet.OneH100Inference("two"))).ExpectProblemAsync(HttpStatusCode.Conflict, "quota-exceeded");
        await client.WaitForPlacementAsync("adm-t", "one", _ => emulator.Get("apps/v1", "deployments", "t-adm-t", "one") is not null);

        using var scraper = app.CreateClient();
        var metrics = await Eventually.MatchesAsync(() => scraper.GetStringAsync("/metrics"),
            text => text.Contains("controlplane_reconcile_duration_seconds_bucket", StringComparison.Ordinal), "reconcile durations on /metrics");
        Assert.True(Counter(metrics, "controlplane_admissions_total", ("outcome", "admitted")) >= 1, metrics);
        Assert.True(Counter(metrics, "controlplane_admissions_total", ("outcome", "quota-exceeded")) >= 1, metrics);
        var bounds = Regex.Matches(metrics, "controlplane_reconcile_duration_seconds_bucket\\{[^}]*le=\"([^\"]+)\"")
            .Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.Contains("0.005", bounds);
        Assert.Contains("1", bounds);
        Assert.Contains("60", bounds);
        Assert.DoesNotContain("750", bounds); // a millisecond bound
    }

    /// <summary>The sum of a counter's series that carry all the given labels (0 when none does).</summary>
    private static double Counter(string metrics, string name, params (string Label, string Value)[] labels) =>
        metrics.Split('\n')
            .Where(line => line.StartsWith(name + "{", StringComparison.Ordinal) && labels.All(l => line.Contains($"{l.Label}=\"{l.Value}\"", StringComparison.Ordinal)))
            .Sum(line => double.Parse(line[(line.IndexOf('}', StringComparison.Ordinal) + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture));

    /// <summary>Writes credentials the API would refuse today, as a row stored before that check existed would hold them.</summary>
    private async Task StoreCredentialsAsync(string cluster, string credentialsJson)
    {
        var encrypted = app.Services.GetRequiredService<ICredentialProtector>().Protect(System.Text.Encoding.UTF8.GetBytes(credentialsJson));
        await using var connection = new NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("UPDATE clusters SET encrypted_credentials = @credentials WHERE name = @name", connection);
        command.Parameters.AddWithValue("credentials", encrypted);
        command.Parameters.AddWithValue("name", cluster);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    /// <summary>controlplane.worker.failures of one host (its IMeterFactory's meter), by worker, step and cluster.</summary>
    private sealed class WorkerFailureCounts : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);

        public WorkerFailureCounts(IMeterFactory host)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Name == "controlplane.worker.failures" && instrument.Meter.Scope == host)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                string? worker = null, step = null, cluster = null;
                foreach (var tag in tags)
                {
                    switch (tag.Key)
                    {
                        case "worker": worker = tag.Value?.ToString(); break;
                        case "step": step = tag.Value?.ToString(); break;
                        case "cluster": cluster = tag.Value?.ToString(); break;
                    }
                }

                _counts.AddOrUpdate($"{worker}/{step}/{cluster}", value, (_, sum) => sum + value);
            });
            _listener.Start();
        }

        public long Of(string worker, string step, string cluster) => _counts.GetValueOrDefault($"{worker}/{step}/{cluster}");

        public void Dispose() => _listener.Dispose();
    }
}
