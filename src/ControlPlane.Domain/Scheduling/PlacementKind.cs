using System.Text.Json.Serialization;

namespace ControlPlane.Domain.Scheduling;

/// <summary>
/// What kind of workload is being placed; decides which pool purposes may take it.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<PlacementKind>))]
public enum PlacementKind
{
    /// <summary>Serving; runs on <see cref="PoolPurpose.Inference"/> or <see cref="PoolPurpose.Realtime"/> pools.</summary>
    [JsonStringEnumMemberName("inference")]
    Inference = 0,

    /// <summary>Training; runs on <see cref="PoolPurpose.Training"/> pools.</summary>
    [JsonStringEnumMemberName("training")]
    Training = 1,

    /// <summary>Batch jobs; run on <see cref="PoolPurpose.Batch"/> or <see cref="PoolPurpose.Training"/> pools.</summary>
    [JsonStringEnumMemberName("batch")]
    Batch = 2,
}
