using System.Text.Json.Serialization;

namespace ControlPlane.Domain.Scheduling;

/// <summary>
/// A sandbox container runtime class a node pool offers. Pools without one use the default runtime.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<RuntimeClass>))]
public enum RuntimeClass
{
    /// <summary>gVisor: no MIG devices and at most one GPU per pod.</summary>
    [JsonStringEnumMemberName("gvisor")]
    Gvisor = 0,

    /// <summary>Kata Containers (micro-VM); preferred when a pool offers both.</summary>
    [JsonStringEnumMemberName("kata")]
    Kata = 1,
}
