using ControlPlane.KubernetesEmulator.Authentication;
using ControlPlane.KubernetesEmulator.Faults;
using ControlPlane.KubernetesEmulator.Storage;

namespace ControlPlane.KubernetesEmulator.Http;

/// <summary>Everything that outlives one listening host, so stopping and resuming listening loses nothing.</summary>
internal sealed class EmulatorState(string bearerToken, EmulatorOptions options)
{
    public string BearerToken { get; } = bearerToken;

    public string ListenAddress { get; } = options.ListenAddress;

    public ObjectStore Store { get; } = new();

    public FaultInjector Faults { get; } = new();

    public RequestLog Requests { get; } = new();

    public ServiceAccountTokens Tokens { get; } = new();

    public ServiceAccountTokenIssuer TokenIssuer { get; } = new(options.ServiceAccountIssuer);
}
