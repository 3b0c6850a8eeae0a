namespace ControlPlane.Domain.Quotas;

/// <summary>How much of one resource a tenant may hold, and how much it holds now.</summary>
public sealed class Quota
{
    private Quota()
    {
    }

    public Guid TenantId { get; private set; }
    public string Resource { get; private set; } = "";
    public long Limit { get; private set; }
    public long Used { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public uint Version { get; private set; }

    /// <summary>Share of the limit in use, 0–100 (and above when a limit was lowered below current use).</summary>
    public decimal Percentage => PercentageOf(Used, Limit);

    /// <summary>Use as a percentage of the limit, two decimals; any use of a zero limit is 100%.</summary>
    public static decimal PercentageOf(long used, long limit) => limit == 0 ? (used == 0 ? 0 : 100) : Math.Round(100m * used / limit, 2);

    public long Remaining => Math.Max(0, Limit - Used);

    public static Quota Create(Guid tenantId, string resource, long limit, DateTimeOffset now)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        return new Quota { TenantId = tenantId, Resource = resource, Limit = limit, UpdatedAt = now };
    }

    /// <summary>A lower limit than current use is allowed: existing holdings stay, new reservations are refused.</summary>
    public void SetLimit(long limit, DateTimeOffset now)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        Limit = limit;
        UpdatedAt = now;
    }

    public bool CanReserve(long amount) => Fits(Used, Limit, amount);

    /// <summary>The quota rule: <paramref name="amount"/> more fits when the use stays within the limit.</summary>
    public static bool Fits(long used, long limit, long amount) => amount <= 0 || used + amount <= limit;

    public void Reserve(long amount, DateTimeOffset now)
    {
        if (!CanReserve(amount))
        {
            throw new InvalidOperationException($"Quota {Resource} would be exceeded: {Used} + {amount} > {Limit}.");
        }

        Used += amount;
        UpdatedAt = now;
    }

    public void Release(long amount, DateTimeOffset now)
    {
        Used = Math.Max(0, Used - amount);
        UpdatedAt = now;
    }
}
