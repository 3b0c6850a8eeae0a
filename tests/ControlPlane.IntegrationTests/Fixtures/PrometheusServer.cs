using System.Diagnostics;
using System.Globalization;

namespace ControlPlane.IntegrationTests.Fixtures;

/// <summary>
/// One real Prometheus per test run (Debian's package: /usr/bin/prometheus) with a temporary config and TSDB, scraping
/// the run's <see cref="SyntheticExporter"/> every second with honor_labels (so the exporter's namespace and pod labels
/// are the series' labels, as Kubernetes service discovery would set them). Stopped (and its files removed) by a
/// watchdog shell once the test process is gone.
/// Tests keep apart by tenant namespace. When Prometheus cannot be had the tests fail with the reason: they never skip.
/// </summary>
public static class PrometheusServer
{
    private const string Binary = "/usr/bin/prometheus";
    private static readonly Lazy<Task<(Uri Url, SyntheticExporter Exporter)>> s_started = new(() => Task.Run(StartAsync));

    /// <summary>The base URL of the running Prometheus and the exporter it scrapes.</summary>
    public static Task<(Uri Url, SyntheticExporter Exporter)> SharedAsync() => s_started.Value;

    private static async Task<(Uri, SyntheticExporter)> StartAsync()
    {
        Assert.True(File.Exists(Binary), $"{Binary} is missing: install Debian's prometheus package (.ci/run does)");
        var exporter = SyntheticExporter.Start();
        var dir = Directory.CreateTempSubdirectory("controlplane-test-prometheus-").FullName;
        var config = Path.Combine(dir, "prometheus.yml");
        await File.WriteAllTextAsync(config, $"""
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            scrape_configs:
              - job_name: synthetic
                honor_labels: true
                static_configs:
                  - targets: ['127.0.0.1:{exporter.Port.ToString(CultureInfo.InvariantCulture)}']
            """);
        var port = LoopbackPort.Free();
        // A watchdog shell owns Prometheus: it stops it and removes its files as soon as this test process is gone, however
        // it ends (the test host is often killed without running exit handlers).
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[]
        {
            "-c", """
                  "$1" --config.file="$2/prometheus.yml" --storage.tsdb.path="$2/data" --web.listen-address="127.0.0.1:$3" --storage.tsdb.retention.time=1d &
                  prometheus=$!
                  while kill -0 "$4" 2>/dev/null && kill -0 "$prometheus" 2>/dev/null; do sleep 1; done
                  kill "$prometheus" 2>/dev/null; wait "$prometheus"; rm -rf "$2"
                  """,
            "prometheus-watchdog", Binary, dir, port.ToString(CultureInfo.InvariantCulture), Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
        })
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start " + Binary);
        var log = new System.Text.StringBuilder();
        process.ErrorDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.OutputDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();

        var url = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        await Eventually.MatchesAsync(async () =>
        {
            Assert.False(process.HasExited, "prometheus exited: " + log);
            try
            {
                return (await http.GetAsync(new Uri(url, "/-/ready"))).IsSuccessStatusCode;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                return false;
            }
        }, ready => ready, "Prometheus becoming ready");
        return (url, exporter);
    }
}
