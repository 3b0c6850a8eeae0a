namespace ControlPlane.Domain.Billing;

/// <summary>
/// Money is decimal end to end. Costs keep full precision; only what a tenant is charged (statement lines, and totals
/// as their sum) is rounded, once, to the cent, half away from zero.
/// </summary>
public static class Money
{
    public const int Decimals = 2;

    /// <summary>Exclusive upper bound of an amount a caller sets (a budget).</summary>
    public const decimal MaxAmount = 1_000_000_000_000_000m;

    /// <summary>The column of a budget amount: below <see cref="MaxAmount"/>, cents.</summary>
    public const string AmountColumn = "numeric(17,2)";

    /// <summary>The column of charged totals and recorded spend (sums of cents).</summary>
    public const string TotalColumn = "numeric(28,2)";

    public static decimal Round(decimal amount) => Math.Round(amount, Decimals, MidpointRounding.AwayFromZero);
}
