using ControlPlane.Domain.Common;

namespace ControlPlane.Domain.Tenants;

/// <summary>A customer of the platform: the unit of isolation, quota and billing.</summary>
public sealed class Tenant
{
    /// <summary>The longest display name accepted.</summary>
    public const int DisplayNameMaxLength = 200;

    /// <summary>How many regions a tenant may be allowed in.</summary>
    public const int MaxAllowedRegions = 32;

    private Tenant()
    {
    }

    public Guid Id { get; private set; }
    public string Name { get; private set; } = "";
    public string DisplayName { get; private set; } = "";
    public IsolationTier IsolationTier { get; private set; }
    public List<string> AllowedRegions { get; private set; } = [];
    public Dictionary<string, string> Labels { get; private set; } = [];
    public TenantState State { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>Postgres' xmin, the optimistic concurrency token behind the ETag.</summary>
    public uint Version { get; private set; }

    public static Tenant Create(
        string name, string displayName, IsolationTier tier, IEnumerable<string> allowedRegions,
        IDictionary<string, string> labels, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        Name = name,
        DisplayName = displayName,
        IsolationTier = tier,
        AllowedRegions = [.. allowedRegions.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
        Labels = new Dictionary<string, string>(labels, StringComparer.Ordinal),
        State = TenantState.Active,
        CreatedAt = now,
        UpdatedAt = now,
    };

    public void Update(string? displayName, IsolationTier? tier, IEnumerable<string>? allowedRegions,
        IDictionary<string, string>? labels, DateTimeOffset now)
    {
        DisplayName = displayName ?? DisplayName;
        IsolationTier = tier ?? IsolationTier;
        if (allowedRegions is not null)
        {
            AllowedRegions = [.. allowedRegions.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        }

        if (labels is not null)
        {
            Labels = new Dictionary<string, string>(labels, StringComparer.Ordinal);
        }

        UpdatedAt = now;
    }

    public void Suspend(DateTimeOffset now)
    {
        if (State != TenantState.Active)
        {
            throw new DomainRuleViolation("tenant-not-active", $"Tenant '{Name}' is {WireNames.Of(State)}; only an active tenant can be suspended.");
        }

        State = TenantState.Suspended;
        UpdatedAt = now;
    }

    public void Resume(DateTimeOffset now)
    {
        if (State != TenantState.Suspended)
        {
            throw new DomainRuleViolation("tenant-not-suspended", $"Tenant '{Name}' is {WireNames.Of(State)}; only a suspended tenant can be resumed.");
        }

        State = TenantState.Active;
        UpdatedAt = now;
    }

    /// <summary>Creating anything in a tenant needs it active; reads stay allowed in every state.</summary>
    public void EnsureCanCreate()
    {
        if (State != TenantState.Active)
        {
            throw new DomainRuleViolation("tenant-suspended", $"Tenant '{Name}' is {WireNames.Of(State)}: it can read but not create.");
        }
    }
}
