namespace ControlPlane.Domain.Scheduling;

/// <summary>
/// What the scheduler knows about one cluster at decision time.
/// </summary>
public sealed record ClusterSnapshot
{
    /// <summary>Cluster name, unique across the fleet.</summary>
    public required string Name
    {
        get;
        init
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(value);
            field = value;
        }
    }

    /// <summary>Region the cluster runs in, e.g. <c>eu-north1</c>, compared case-insensitively.</summary>
    public required string Region
    {
        get;
        init
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(value);
            field = value;
        }
    }

    /// <summary>
    /// Tenant the whole cluster is dedicated to (physical isolation tier), or null for a shared cluster.
    /// </summary>
    public string? DedicatedTenant { get; init; }

    /// <summary>False when the cluster is unreachable or disabled.</summary>
    public bool Available { get; init; } = true;
}
