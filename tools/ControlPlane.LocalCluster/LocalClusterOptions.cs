namespace ControlPlane.LocalCluster;

/// <summary>
/// How the local cluster listens and behaves (command line: <c>--port</c>, <c>--token-port</c>, <c>--listen</c>, <c>--token</c>,
/// <c>--issuer</c>, <c>--ready-after</c>, <c>--kubeconfig</c>).
/// </summary>
public sealed class LocalClusterOptions
{
    /// <summary>The API server's port (0: a free one).</summary>
    public int Port { get; set; } = 6480;

    /// <summary>Where both endpoints listen: loopback, or 0.0.0.0 inside a container (Docker Compose).</summary>
    public string ListenAddress { get; set; } = "127.0.0.1";

    /// <summary>The port of the dev-only TokenRequest endpoint (0: a free one).</summary>
    public int TokenPort { get; set; } = 6481;

    /// <summary>The bearer token clients must present; a random one when absent (scripts/run.sh keeps one in .data).</summary>
    public string? Token { get; set; }

    /// <summary>The iss of service-account tokens; fixed, so the control plane's registration survives a restart.</summary>
    public string Issuer { get; set; } = "https://oidc.local-cluster.invalid";

    /// <summary>How long a new Deployment generation or Job takes to become ready, as pods would to start.</summary>
    public TimeSpan ReadyAfter { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Where to write a kubeconfig, for registering the cluster by kubeconfig (kubectl sends no token over plain http).</summary>
    public string? Kubeconfig { get; set; }

    /// <summary>The node-pool file; by default the one shipped next to the host.</summary>
    public string? NodePoolsFile { get; set; }
}
