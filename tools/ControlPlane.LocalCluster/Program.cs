using System.Runtime.InteropServices;
using Microsoft.Extensions.Configuration;

namespace ControlPlane.LocalCluster;

/// <summary>
/// <c>dotnet run --project tools/ControlPlane.LocalCluster -- [--port 6480] [--token-port 6481] [--listen 127.0.0.1] [--token T] [--issuer URL]
/// [--ready-after 00:00:02] [--kubeconfig PATH]</c>: runs the local cluster until SIGINT/SIGTERM.
/// </summary>
internal static class Program
{
    private static readonly Dictionary<string, string> Switches = new(StringComparer.Ordinal)
    {
        ["--port"] = nameof(LocalClusterOptions.Port),
        ["--token-port"] = nameof(LocalClusterOptions.TokenPort),
        ["--listen"] = nameof(LocalClusterOptions.ListenAddress),
        ["--token"] = nameof(LocalClusterOptions.Token),
        ["--issuer"] = nameof(LocalClusterOptions.Issuer),
        ["--ready-after"] = nameof(LocalClusterOptions.ReadyAfter),
        ["--kubeconfig"] = nameof(LocalClusterOptions.Kubeconfig),
        ["--node-pools"] = nameof(LocalClusterOptions.NodePoolsFile),
    };

    public static async Task<int> Main(string[] args)
    {
        var options = new ConfigurationBuilder().AddCommandLine(args, Switches).Build().Get<LocalClusterOptions>() ?? new LocalClusterOptions();
        var stopped = new TaskCompletionSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

        await using var cluster = await DevelopmentCluster.StartAsync(options, Console.Out);
        if (options.Kubeconfig is { Length: > 0 } kubeconfig)
        {
            await File.WriteAllTextAsync(kubeconfig, cluster.Emulator.KubeconfigYaml());
        }

        Console.WriteLine($"""
            local-cluster: ready (Kubernetes API emulator; state is in memory and lost when this process stops)
              API server     {cluster.Emulator.BaseAddress}
              bearer token   {cluster.Emulator.BearerToken}
              issuer         {cluster.Emulator.ServiceAccountIssuer}
              TokenRequest   POST {cluster.TokenRequestAddress}api/v1/namespaces/<ns>/serviceaccounts/<name>/token
              kubeconfig     {(string.IsNullOrEmpty(options.Kubeconfig) ? "(not written; --kubeconfig PATH)" : options.Kubeconfig)}
              nodes          {string.Join(", ", cluster.Pools.Select(p => $"{p["name"]}: {p["nodeCount"]} × {p["gpusPerNode"]} {p["gpuModel"]}"))}
            """);
        await stopped.Task;
        Console.WriteLine("local-cluster: stopping");
        return 0;

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stopped.TrySetResult();
        }
    }
}
