namespace ControlPlane.Domain.Scheduling;

/// <summary>
/// What the scheduler knows about one node pool at decision time. All nodes of a pool are alike.
/// </summary>
public sealed record NodePoolSnapshot
{
    /// <summary>The cluster the pool belongs to.</summary>
    public required ClusterSnapshot Cluster
    {
        get;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            field = value;
        }
    }

    /// <summary>Pool name, unique within its cluster.</summary>
    public required string Name
    {
        get;
        init
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(value);
            field = value;
        }
    }

    /// <summary>GPU model of every node, e.g. <c>h100</c>, compared case-insensitively.</summary>
    public required string GpuModel
    {
        get;
        init
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(value);
            field = value;
        }
    }

    /// <summary>GPUs per node (at least 1).</summary>
    public required int GpusPerNode
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            field = value;
        }
    }

    /// <summary>Nodes in the pool.</summary>
    public required int NodeCount
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            field = value;
        }
    }

    /// <summary>Whole GPUs allocated in the pool, summed over its nodes.</summary>
    public int AllocatedGpus
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            field = value;
        }
    }

    /// <summary>MIG profiles the pool offers, with their allocated slices; empty when the pool offers no MIG.</summary>
    public IReadOnlyList<MigProfileCapacity> MigProfiles
    {
        get;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            field = value;
        }
    } = [];

    /// <summary>On-demand or spot.</summary>
    public CapacityType CapacityType { get; init; } = CapacityType.OnDemand;

    /// <summary>Workload classes the pool serves.</summary>
    public required IReadOnlyList<PoolPurpose> Purposes
    {
        get;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            field = value;
        }
    }

    /// <summary>
    /// Sandbox runtime classes the pool offers, by the names the cluster gives them (<see cref="SandboxRuntimes"/>).
    /// A pool with any is reserved for strong-isolation tenants.
    /// </summary>
    public IReadOnlyList<string> RuntimeClasses
    {
        get;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            field = value;
        }
    } = [];

    /// <summary>Declared runtime classes the cluster has no RuntimeClass object for (capacity sync): pods would be refused.</summary>
    public IReadOnlyList<string> MissingRuntimeClasses
    {
        get;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            field = value;
        }
    } = [];

    /// <summary>Tenant the pool is dedicated to, or null for a pool not tied to a tenant.</summary>
    public string? DedicatedTenant { get; init; }

    /// <summary>List price of one whole GPU for one hour.</summary>
    public required decimal PricePerGpuHour
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            field = value;
        }
    }
}
