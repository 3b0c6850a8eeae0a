using System.Text.Json.Nodes;
using ControlPlane.KubernetesEmulator;

namespace ControlPlane.LocalCluster;

/// <summary>
/// A Kubernetes API for local development: the emulator with the GPU Nodes of <see cref="LocalNodePools"/>, a stand-in
/// for the controllers and kubelets (<see cref="ReadinessSimulator"/>) and a dev-only TokenRequest endpoint.
/// </summary>
public sealed class DevelopmentCluster : IAsyncDisposable
{
    private readonly ReadinessSimulator _readiness;
    private readonly TokenRequestHost _tokens;

    private DevelopmentCluster(KubernetesApiEmulator emulator, IReadOnlyList<JsonObject> pools, ReadinessSimulator readiness, TokenRequestHost tokens)
    {
        Emulator = emulator;
        Pools = pools;
        _readiness = readiness;
        _tokens = tokens;
    }

    public KubernetesApiEmulator Emulator { get; }

    /// <summary>The node-pool registrations (bodies of <c>POST /v1/clusters/{cluster}/node-pools</c>) the Nodes were made from.</summary>
    public IReadOnlyList<JsonObject> Pools { get; }

    /// <summary>Base address of the TokenRequest endpoint (<c>api/v1/namespaces/{ns}/serviceaccounts/{name}/token</c> under it).</summary>
    public Uri TokenRequestAddress => _tokens.Address;

    public static async Task<DevelopmentCluster> StartAsync(LocalClusterOptions options, TextWriter? log = null)
    {
        var pools = LocalNodePools.Load(options.NodePoolsFile);
        var emulator = await KubernetesApiEmulator.StartAsync(new EmulatorOptions
        {
            Port = options.Port,
            ListenAddress = options.ListenAddress,
            BearerToken = string.IsNullOrEmpty(options.Token) ? null : options.Token,
            ServiceAccountIssuer = options.Issuer,
        });
        try
        {
            foreach (var node in pools.SelectMany(LocalNodePools.NodesOf))
            {
                emulator.Put(node);
            }

            var tokens = await TokenRequestHost.StartAsync(emulator, options.ListenAddress, options.TokenPort);
            return new DevelopmentCluster(emulator, pools, new ReadinessSimulator(emulator, options.ReadyAfter, log ?? TextWriter.Null), tokens);
        }
        catch
        {
            await emulator.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _readiness.DisposeAsync();
        await _tokens.DisposeAsync();
        await Emulator.DisposeAsync();
    }
}
