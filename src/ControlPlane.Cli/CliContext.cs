using ControlPlane.Client.Http;

namespace ControlPlane.Cli;

/// <summary>
/// Everything the CLI takes from its surroundings, so it runs the same in a process and in-process in a test: environment
/// variables, the two output streams, the HTTP transport to the API and the one to the object store's presigned URLs
/// (model uploads), the clock and the patience of retries and waits.
/// </summary>
public sealed record CliContext(
    Func<string, string?> Environment,
    TextWriter Out,
    TextWriter Error,
    TextReader In,
    HttpMessageHandler Transport,
    HttpMessageHandler ObjectStore,
    TimeProvider Clock,
    RetryPolicy Retries,
    TimeSpan PollInterval)
{
    public static CliContext FromProcess()
    {
        var transport = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        return new(System.Environment.GetEnvironmentVariable, Console.Out, Console.Error, Console.In, transport, transport, TimeProvider.System,
            RetryPolicy.Default, TimeSpan.FromSeconds(2));
    }

    /// <summary>
    /// $CONTROLPLANE_CONFIG_DIR, else $XDG_CONFIG_HOME/controlplane, else ~/.config/controlplane: where login and the
    /// token cache live.
    /// </summary>
    public string ConfigDirectory =>
        Environment("CONTROLPLANE_CONFIG_DIR") is { Length: > 0 } explicitDirectory ? explicitDirectory
        : Path.Combine(
            Environment("XDG_CONFIG_HOME") is { Length: > 0 } xdg ? xdg
            : Path.Combine(Environment("HOME") is { Length: > 0 } home ? home : System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), ".config"),
            "controlplane");
}
