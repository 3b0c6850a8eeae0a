namespace ControlPlane.Domain.Common;

/// <summary>
/// The range of instants the API accepts anywhere (query filters, bodies). Nothing this service records happened before
/// 2000, and arithmetic on a bound near DateTimeOffset's own limits (year 1, year 9999: a month or an hour added) overflows.
/// </summary>
public static class SupportedTime
{
    public static readonly DateTimeOffset Earliest = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static readonly DateTimeOffset Latest = new(2200, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public const string Rule = "must be between 2000-01-01T00:00:00Z and 2200-01-01T00:00:00Z";

    public static bool Contains(DateTimeOffset instant) => instant >= Earliest && instant < Latest;
}
