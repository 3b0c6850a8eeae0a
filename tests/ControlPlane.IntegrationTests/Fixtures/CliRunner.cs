using ControlPlane.Cli;
using ControlPlane.Client.Http;

namespace ControlPlane.IntegrationTests.Fixtures;

/// <summary>
/// Runs the controlplane CLI in-process against the class's service, as a pipeline would: only environment variables
/// (CONTROLPLANE_URL, CONTROLPLANE_CLIENT_ID, CONTROLPLANE_CLIENT_SECRET, a config directory of its own), stdout and
/// stderr captured, the exit code returned. Every HTTP request goes through <see cref="Requests"/> on its way to the
/// service, where a test can count or break them; uploads to the object store's presigned URLs (a real s3rver) go
/// through <see cref="Uploads"/>.
/// </summary>
public sealed class CliRunner : IDisposable
{
    private readonly Dictionary<string, string?> _environment;

    public CliRunner(ControlPlaneApp app, string? clientId = null, string? clientSecret = null)
    {
        ConfigDirectory = Directory.CreateTempSubdirectory("controlplane-cli-").FullName;
        Requests = new RecordingHandler { InnerHandler = app.Server.CreateHandler() };
        Uploads = new RecordingHandler { InnerHandler = new SocketsHttpHandler() };
        _environment = new Dictionary<string, string?>
        {
            ["CONTROLPLANE_URL"] = app.Server.BaseAddress.ToString(),
            ["CONTROLPLANE_CLIENT_ID"] = clientId,
            ["CONTROLPLANE_CLIENT_SECRET"] = clientSecret,
            ["CONTROLPLANE_CONFIG_DIR"] = ConfigDirectory,
        };
    }

    public string ConfigDirectory { get; }

    public RecordingHandler Requests { get; }

    public RecordingHandler Uploads { get; }

    public CliRunner With(string name, string? value)
    {
        _environment[name] = value;
        return this;
    }

    public async Task<CliResult> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var context = new CliContext(name => _environment.GetValueOrDefault(name), output, error, new StringReader(Stdin ?? ""), Requests, Uploads,
            TimeProvider.System, new RetryPolicy(4, TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(200)), TimeSpan.FromMilliseconds(100));
        var exit = await CliApp.RunAsync(args, context);
        return new CliResult(exit, output.ToString(), error.ToString());
    }

    /// <summary>What the next run reads from standard input.</summary>
    public string? Stdin { get; set; }

    public void Dispose()
    {
        Uploads.Dispose();
        Directory.Delete(ConfigDirectory, recursive: true);
    }
}

public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}

/// <summary>Counts requests by path and lets a test refuse one before it is sent, or replace the answer to one (the service still handles it).</summary>
public sealed class RecordingHandler : DelegatingHandler
{
    private readonly List<string> _paths = [];

    /// <summary>Given the request and the service's answer, the answer the CLI sees instead (null: the real one).</summary>
    public Func<HttpRequestMessage, HttpResponseMessage, HttpResponseMessage?>? Interfere { get; set; }

    /// <summary>Given a request, true to answer it 503 without sending it on (null: every request goes through).</summary>
    public Func<HttpRequestMessage, bool>? Refuse { get; set; }

    public int Count(string path) => Count(p => p == path);

    public int Count(Func<string, bool> matches)
    {
        lock (_paths)
        {
            return _paths.Count(matches);
        }
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        lock (_paths)
        {
            _paths.Add(request.RequestUri!.AbsolutePath);
        }

        if (Refuse?.Invoke(request) == true)
        {
            return new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { RequestMessage = request };
        }

        var response = await base.SendAsync(request, cancellationToken);
        return Interfere?.Invoke(request, response) ?? response;
    }
}
