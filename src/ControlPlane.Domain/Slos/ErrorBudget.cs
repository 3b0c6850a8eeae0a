namespace ControlPlane.Domain.Slos;

/// <summary>
/// The error budget of one window, as fractions of the window's events: <see cref="Total"/> is what the objective allows
/// to fail (1 − objective), <see cref="Consumed"/> what failed, <see cref="Remaining"/> what is left (negative when overspent).
/// </summary>
public sealed record ErrorBudget(double Total, double Consumed, double Remaining)
{
    public static ErrorBudget Of(double objectivePercent, double errorRatio)
    {
        var total = 1 - (objectivePercent / 100);
        return new ErrorBudget(total, errorRatio, total - errorRatio);
    }

    /// <summary>The share of the budget left: 1 untouched, 0 spent, below 0 overspent.</summary>
    public double RemainingRatio => Total <= 0 ? 0 : Remaining / Total;

    public bool Exhausted => Remaining <= 0;

    /// <summary>How many times faster than the objective allows errors arrive: error ratio ÷ (1 − objective).</summary>
    public static double BurnRate(double objectivePercent, double errorRatio)
    {
        var allowed = 1 - (objectivePercent / 100);
        return allowed <= 0 ? 0 : errorRatio / allowed;
    }
}
