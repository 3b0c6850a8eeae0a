namespace ControlPlane.Domain.Billing;

/// <summary>Money is decimal end to end; amounts a tenant is charged are rounded once, to the cent, half away from zero.</summary>
public static class Money
{
    public const int Decimals = 2;

    public static decimal Round(decimal amount) => Math.Round(amount, Decimals, MidpointRounding.AwayFromZero);
}
