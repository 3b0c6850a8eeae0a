using ControlPlane.KubernetesEmulator.Authentication;
using ControlPlane.KubernetesEmulator.Controllers;
using ControlPlane.KubernetesEmulator.Faults;
using ControlPlane.KubernetesEmulator.Storage;

namespace ControlPlane.KubernetesEmulator.Http;

/// <summary>Everything that outlives one listening host, so stopping and resuming listening loses nothing.</summary>
internal sealed class EmulatorState
{
    public EmulatorState(string bearerToken, EmulatorOptions options)
    {
        BearerToken = bearerToken;
        ListenAddress = options.ListenAddress;
        TokenIssuer = new(options.ServiceAccountIssuer);
        ReplicaSets = new ReplicaSetCreation(Store);
        Store.AddController(ReplicaSets.OnChanged);
    }

    public string BearerToken { get; }

    public string ListenAddress { get; }

    public ObjectStore Store { get; } = new();

    /// <summary>The simulated controllers' verdict on creating each Deployment's pods.</summary>
    public ReplicaSetCreation ReplicaSets { get; }

    public FaultInjector Faults { get; } = new();

    public RequestLog Requests { get; } = new();

    public ServiceAccountTokens Tokens { get; } = new();

    public ServiceAccountTokenIssuer TokenIssuer { get; }
}
