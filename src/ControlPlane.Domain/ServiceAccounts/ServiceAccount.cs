namespace ControlPlane.Domain.ServiceAccounts;

/// <summary>A machine identity of a tenant (a CI pipeline, a serving layer) that gets tokens with client credentials.</summary>
public sealed class ServiceAccount
{
    public const int DescriptionMaxLength = 500;

    private ServiceAccount()
    {
    }

    public Guid Id { get; private set; }
    public Guid TenantId { get; private set; }
    public string Name { get; private set; } = "";
    public string Description { get; private set; } = "";
    public ServiceAccountRole Role { get; private set; }

    /// <summary>The OAuth client id; the secret lives hashed in the identity store only.</summary>
    public string ClientId { get; private set; } = "";
    public DateTimeOffset SecretRotatedAt { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public uint Version { get; private set; }

    public static ServiceAccount Create(Guid tenantId, string tenantName, string name, string description,
        ServiceAccountRole role, string clientIdSuffix, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        TenantId = tenantId,
        Name = name,
        Description = description,
        Role = role,
        ClientId = $"{tenantName}.{name}.{clientIdSuffix}",
        SecretRotatedAt = now,
        CreatedAt = now,
        UpdatedAt = now,
    };

    public void SecretRotated(DateTimeOffset now)
    {
        SecretRotatedAt = now;
        UpdatedAt = now;
    }
}
