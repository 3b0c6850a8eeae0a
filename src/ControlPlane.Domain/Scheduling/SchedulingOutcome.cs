using System.Text.Json.Serialization;

namespace ControlPlane.Domain.Scheduling;

/// <summary>
/// The verdict of one scheduling decision.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<SchedulingOutcome>))]
public enum SchedulingOutcome
{
    /// <summary>A pool was chosen.</summary>
    [JsonStringEnumMemberName("scheduled")]
    Scheduled = 0,

    /// <summary>
    /// No pool takes it now, but at least one pool passes every lasting rule and is only refused
    /// for a passing reason (free capacity, cluster reachability): retrying later can succeed.
    /// </summary>
    [JsonStringEnumMemberName("not-admissible-now")]
    NotAdmissibleNow = 1,

    /// <summary>No pool could ever take the request as asked, even if it were empty.</summary>
    [JsonStringEnumMemberName("impossible")]
    Impossible = 2,
}
