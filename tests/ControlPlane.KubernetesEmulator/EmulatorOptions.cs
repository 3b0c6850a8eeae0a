namespace ControlPlane.KubernetesEmulator;

/// <summary>
/// Where and as whom an emulator listens. Tests take the defaults (a free port, a random token and issuer); the local
/// development cluster (tools/ControlPlane.LocalCluster) fixes them, so the control plane's registration outlives a restart.
/// </summary>
public sealed record EmulatorOptions
{
    /// <summary>The port; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>The address to listen on: loopback, unless the emulator runs in a container others reach over a network.</summary>
    public string ListenAddress { get; init; } = "127.0.0.1";

    /// <summary>The bearer token every request must carry; null generates a random one.</summary>
    public string? BearerToken { get; init; }

    /// <summary>The iss of the emulator's service-account tokens; null generates a unique one.</summary>
    public string? ServiceAccountIssuer { get; init; }
}
