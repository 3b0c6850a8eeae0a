using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace ControlPlane.IntegrationTests.Fixtures;

/// <summary>
/// A /metrics endpoint the tests drive, in the otel-http preset's names: per (namespace, pod) a request counter by
/// status code and a latency histogram. A test sets rates (requests per second); every scrape advances the counters
/// by rate × elapsed time, so Prometheus sees steady rates that change when the test says so.
/// </summary>
public sealed class SyntheticExporter : IDisposable
{
    private static readonly string[] Buckets = ["0.1", "0.3", "1", "+Inf"];
    private readonly HttpListener _listener = new();
    private readonly Lock _gate = new();
    private readonly Dictionary<(string Namespace, string Pod), Series> _series = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    private SyntheticExporter(int port)
    {
        Port = port;
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _ = Task.Run(ServeAsync);
    }

    public int Port { get; }

    public static SyntheticExporter Start() => new(LoopbackPort.Free());

    /// <summary>From now on the pod serves <paramref name="ok"/> good and <paramref name="errors"/> 5xx requests a second; <paramref name="slowShare"/> of them take over 0.3 s.</summary>
    public void Serve(string ns, string pod, double ok, double errors = 0, double slowShare = 0)
    {
        lock (_gate)
        {
            Advance();
            if (!_series.TryGetValue((ns, pod), out var series))
            {
                _series[(ns, pod)] = series = new Series { At = _clock.Elapsed.TotalSeconds };
            }

            (series.OkRate, series.ErrorRate, series.SlowShare) = (ok, errors, slowShare);
        }
    }

    public void Dispose() => _listener.Close();

    private void Advance()
    {
        var now = _clock.Elapsed.TotalSeconds;
        foreach (var series in _series.Values)
        {
            var seconds = now - series.At;
            series.At = now;
            series.Ok += series.OkRate * seconds;
            series.Errors += series.ErrorRate * seconds;
            var all = (series.OkRate + series.ErrorRate) * seconds;
            series.Fast += all * (1 - series.SlowShare);
            series.Slow += all * series.SlowShare;
        }
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            try
            {
                var body = Encoding.UTF8.GetBytes(Render());
                context.Response.ContentType = "text/plain; version=0.0.4";
                await context.Response.OutputStream.WriteAsync(body);
                context.Response.Close();
            }
            catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException)
            {
                // Prometheus gave up on a slow scrape (its timeout is the 1 s interval): the next scrape comes anyway.
            }
        }
    }

    private string Render()
    {
        var text = new StringBuilder();
        text.Append("# TYPE http_server_request_duration_seconds histogram\n");
        lock (_gate)
        {
            Advance();
            foreach (var ((ns, pod), s) in _series)
            {
                var labels = $"namespace=\"{ns}\",pod=\"{pod}\"";
                Line(text, "http_server_request_duration_seconds_count", $"{labels},http_response_status_code=\"200\"", s.Ok);
                Line(text, "http_server_request_duration_seconds_count", $"{labels},http_response_status_code=\"500\"", s.Errors);
                foreach (var le in Buckets)
                {
                    Line(text, "http_server_request_duration_seconds_bucket", $"{labels},le=\"{le}\"", le is "0.1" or "0.3" ? s.Fast : s.Fast + s.Slow);
                }
            }
        }

        return text.ToString();
    }

    private static void Line(StringBuilder text, string name, string labels, double value) =>
        text.Append(name).Append('{').Append(labels).Append("} ").Append(value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');

    private sealed class Series
    {
        public double At { get; set; }
        public double OkRate { get; set; }
        public double ErrorRate { get; set; }
        public double SlowShare { get; set; }
        public double Ok { get; set; }
        public double Errors { get; set; }
        public double Fast { get; set; }
        public double Slow { get; set; }
    }
}

/// <summary>A free loopback TCP port (the listener that found it is closed before the port is used).</summary>
public static class LoopbackPort
{
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
