namespace ControlPlane.Domain.Slos;

/// <summary>How loud a burn-rate alert is.</summary>
public enum AlertSeverity
{
    /// <summary>Wake someone: the budget goes in hours to days.</summary>
    Page,

    /// <summary>Look at it during working hours: the budget goes in days.</summary>
    Ticket,
}

/// <summary>
/// One multi-window burn-rate alert of the SRE workbook's table: it fires while the error rate over both the long and
/// the short window exceeds <see cref="Factor"/> times the rate the objective allows. The short window makes it stop
/// soon after the burn stops.
/// </summary>
/// <param name="Name">Stable name, used in alert labels and the status: page-1h, page-6h, ticket-1d, ticket-3d (named after the 30-day table).</param>
public sealed record BurnRateAlert(string Name, AlertSeverity Severity, TimeSpan Long, TimeSpan Short, double Factor)
{
    /// <summary>True when both windows burn faster than the factor.</summary>
    public bool Fires(IReadOnlyDictionary<TimeSpan, double> burnRates) =>
        burnRates.TryGetValue(Long, out var longBurn) && burnRates.TryGetValue(Short, out var shortBurn) && longBurn > Factor && shortBurn > Factor;
}

/// <summary>
/// The windows an SLO is measured over, and its multi-window multi-burn-rate alerts. The SRE workbook's table is for a
/// 30-day window (page: 14.4× over 1h and 5m, 6× over 6h and 30m; ticket: 3× over 1d and 2h, 1× over 3d and 6h); for
/// another window every duration scales by window ÷ 30 days and the factors stay, as Pyrra does — so each alert still
/// means "this share of the budget (2%, 5%, 10%, 10%) went in this share of the window". A 28-day SLO pages over 56m and
/// 4m40s; a 1-day SLO over 2m and 10s.
/// </summary>
public static class BurnRateWindows
{
    private static readonly TimeSpan Reference = TimeSpan.FromDays(30);

    /// <summary>The 30-day table's windows: 5m, 30m, 1h, 2h, 6h, 1d, 3d.</summary>
    private static readonly TimeSpan[] ReferenceWindows =
    [
        TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(1), TimeSpan.FromHours(2),
        TimeSpan.FromHours(6), TimeSpan.FromDays(1), TimeSpan.FromDays(3),
    ];

    /// <summary>The seven windows of an SLO with <paramref name="sloWindow"/> (5m … 3d for 30 days), in whole seconds.</summary>
    public static IReadOnlyList<TimeSpan> For(TimeSpan sloWindow) => [.. ReferenceWindows.Select(w => Scale(w, sloWindow))];

    public static IReadOnlyList<BurnRateAlert> AlertsFor(TimeSpan sloWindow) =>
    [
        new("page-1h", AlertSeverity.Page, Scale(TimeSpan.FromHours(1), sloWindow), Scale(TimeSpan.FromMinutes(5), sloWindow), 14.4),
        new("page-6h", AlertSeverity.Page, Scale(TimeSpan.FromHours(6), sloWindow), Scale(TimeSpan.FromMinutes(30), sloWindow), 6),
        new("ticket-1d", AlertSeverity.Ticket, Scale(TimeSpan.FromDays(1), sloWindow), Scale(TimeSpan.FromHours(2), sloWindow), 3),
        new("ticket-3d", AlertSeverity.Ticket, Scale(TimeSpan.FromDays(3), sloWindow), Scale(TimeSpan.FromHours(6), sloWindow), 1),
    ];

    /// <summary>Scaled to whole seconds, and never under 10 s (a rate needs several scrapes).</summary>
    private static TimeSpan Scale(TimeSpan reference, TimeSpan sloWindow) =>
        TimeSpan.FromSeconds(Math.Max(10, Math.Round(reference.TotalSeconds * sloWindow.TotalSeconds / Reference.TotalSeconds)));
}
