namespace ControlPlane.Domain.Models;

/// <summary>A named model of a tenant; its versions are immutable, its aliases the only mutable pointers.</summary>
public sealed class Model
{
    public const int DescriptionMaxLength = 2000;
    public const int TaskMaxLength = 100;

    private Model()
    {
    }

    public Guid Id { get; private set; }
    public Guid TenantId { get; private set; }
    public string Tenant { get; private set; } = "";
    public string Name { get; private set; } = "";
    public string Description { get; private set; } = "";
    public string Task { get; private set; } = "";
    public Dictionary<string, string> Labels { get; private set; } = [];

    /// <summary>The number the next registered version gets: monotonically increasing, never reused.</summary>
    public int NextVersion { get; private set; } = 1;
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public uint Version { get; private set; }

    public static Model Create(Guid tenantId, string tenant, string name, string description, string task,
        IDictionary<string, string> labels, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        TenantId = tenantId,
        Tenant = tenant,
        Name = name,
        Description = description,
        Task = task,
        Labels = new Dictionary<string, string>(labels, StringComparer.Ordinal),
        CreatedAt = now,
        UpdatedAt = now,
    };

    public void Update(string? description, string? task, IDictionary<string, string>? labels, DateTimeOffset now)
    {
        Description = description ?? Description;
        Task = task ?? Task;
        if (labels is not null)
        {
            Labels = new Dictionary<string, string>(labels, StringComparer.Ordinal);
        }

        UpdatedAt = now;
    }

    /// <summary>Takes the next version number (the caller holds the model row, so numbers are unique and gap-free per commit).</summary>
    public int TakeVersionNumber(DateTimeOffset now)
    {
        UpdatedAt = now;
        return NextVersion++;
    }
}
