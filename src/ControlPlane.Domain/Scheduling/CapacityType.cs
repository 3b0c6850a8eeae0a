using System.Text.Json.Serialization;

namespace ControlPlane.Domain.Scheduling;

/// <summary>
/// How a node pool's machines are bought.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<CapacityType>))]
public enum CapacityType
{
    /// <summary>Regular capacity that is not reclaimed.</summary>
    [JsonStringEnumMemberName("on-demand")]
    OnDemand = 0,

    /// <summary>Reclaimable capacity; only for interruptible requests.</summary>
    [JsonStringEnumMemberName("spot")]
    Spot = 1,
}
