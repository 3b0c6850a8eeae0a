namespace ControlPlane.Domain.Slos;

/// <summary>
/// What one evaluation concluded from the error ratios Prometheus (or metering) returned: burn rate per window, the
/// window's budget, which alerts fire, and the state. Pure: the same ratios always give the same assessment.
/// </summary>
public sealed record SloAssessment(
    SloState State, string? Reason, double? Sli, ErrorBudget? Budget, IReadOnlyDictionary<string, double> BurnRates,
    IReadOnlyList<string> FiringAlerts)
{
    /// <summary>No series, or the source could not be read: nothing is concluded and nothing acts on it.</summary>
    public static SloAssessment NoData(string reason) => new(SloState.NoData, reason, null, null, new Dictionary<string, double>(), []);

    /// <param name="objectivePercent">e.g. 99.5.</param>
    /// <param name="sloWindow">The SLO's window (its budget's period).</param>
    /// <param name="errorRatios">Error ratio per window measured (the burn-rate windows and the SLO window); a missing window had no events.</param>
    public static SloAssessment From(double objectivePercent, TimeSpan sloWindow, IReadOnlyDictionary<TimeSpan, double> errorRatios)
    {
        if (!errorRatios.TryGetValue(sloWindow, out var windowRatio))
        {
            return NoData("no requests were recorded for the placement in the SLO's window");
        }

        var burn = errorRatios.ToDictionary(r => r.Key, r => ErrorBudget.BurnRate(objectivePercent, r.Value));
        var firing = BurnRateWindows.AlertsFor(sloWindow).Where(a => a.Fires(burn)).Select(a => a.Name).ToList();
        var budget = ErrorBudget.Of(objectivePercent, windowRatio);
        var state = budget.Exhausted ? SloState.Exhausted : firing.Count > 0 ? SloState.Burning : SloState.Healthy;
        var burnByName = BurnRateWindows.For(sloWindow).Where(burn.ContainsKey).ToDictionary(SloWindow.Format, w => Math.Round(burn[w], 6), StringComparer.Ordinal);
        return new SloAssessment(state, null, Math.Round(1 - windowRatio, 9), budget, burnByName, firing);
    }

    /// <summary>A page-severity alert fires.</summary>
    public bool FastBurn => FiringAlerts.Any(a => a.StartsWith("page-", StringComparison.Ordinal));

    /// <summary>A ticket-severity alert fires.</summary>
    public bool SlowBurn => FiringAlerts.Any(a => a.StartsWith("ticket-", StringComparison.Ordinal));

    /// <summary>Whether <paramref name="trigger"/> holds now; never on missing data.</summary>
    public bool Holds(RemediationTrigger trigger) => State != SloState.NoData && trigger switch
    {
        RemediationTrigger.FastBurn => FastBurn,
        RemediationTrigger.SlowBurn => SlowBurn,
        _ => State == SloState.Exhausted,
    };
}
