using System.Text.Json.Serialization;

namespace ControlPlane.Domain.Scheduling;

/// <summary>
/// A workload class a node pool is set up for. A pool may serve several.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<PoolPurpose>))]
public enum PoolPurpose
{
    /// <summary>Model serving.</summary>
    [JsonStringEnumMemberName("inference")]
    Inference = 0,

    /// <summary>Latency-sensitive serving; also accepts inference placements.</summary>
    [JsonStringEnumMemberName("realtime")]
    Realtime = 1,

    /// <summary>Training; also accepts batch placements.</summary>
    [JsonStringEnumMemberName("training")]
    Training = 2,

    /// <summary>Batch jobs.</summary>
    [JsonStringEnumMemberName("batch")]
    Batch = 3,
}
