namespace ControlPlane.Domain.Scheduling;

/// <summary>
/// A MIG profile a node pool offers: how many slices of it each GPU is cut into, and how many
/// of the pool's slices of it are allocated.
/// </summary>
public sealed record MigProfileCapacity
{
    /// <summary>Creates a MIG profile entry.</summary>
    /// <param name="profile">Profile name, e.g. <c>1g.10gb</c>.</param>
    /// <param name="perGpu">Slices of this profile per GPU (at least 1).</param>
    /// <param name="allocatedSlices">Slices of this profile allocated in the whole pool.</param>
    public MigProfileCapacity(string profile, int perGpu, int allocatedSlices = 0)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(profile);
        ArgumentOutOfRangeException.ThrowIfLessThan(perGpu, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(allocatedSlices);
        Profile = profile;
        PerGpu = perGpu;
        AllocatedSlices = allocatedSlices;
    }

    /// <summary>Profile name, e.g. <c>1g.10gb</c>, compared case-insensitively.</summary>
    public string Profile { get; }

    /// <summary>Slices of this profile per GPU.</summary>
    public int PerGpu { get; }

    /// <summary>Slices of this profile allocated in the whole pool.</summary>
    public int AllocatedSlices { get; }
}
