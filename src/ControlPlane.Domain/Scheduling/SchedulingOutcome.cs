namespace ControlPlane.Domain.Scheduling;

/// <summary>
/// The verdict of one scheduling decision.
/// </summary>
public enum SchedulingOutcome
{
    /// <summary>A pool was chosen.</summary>
    Scheduled = 0,

    /// <summary>
    /// No pool takes it now, but at least one pool passes every lasting rule and is only refused
    /// for a passing reason (free capacity, cluster reachability): retrying later can succeed.
    /// </summary>
    NotAdmissibleNow = 1,

    /// <summary>No pool could ever take the request as asked, even if it were empty.</summary>
    Impossible = 2,
}
