namespace ControlPlane.Domain.Models;

/// <summary>A named, movable pointer (production, staging, …) to one version of a model.</summary>
public sealed class ModelAlias
{
    private ModelAlias()
    {
    }

    public Guid ModelId { get; private set; }
    public string Name { get; private set; } = "";
    public int VersionNumber { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public uint Version { get; private set; }

    public static ModelAlias Point(Guid modelId, string name, int versionNumber, DateTimeOffset now) =>
        new() { ModelId = modelId, Name = name, VersionNumber = versionNumber, UpdatedAt = now };

    public void MoveTo(int versionNumber, DateTimeOffset now)
    {
        VersionNumber = versionNumber;
        UpdatedAt = now;
    }
}
