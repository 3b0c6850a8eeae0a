using ControlPlane.Domain.Scheduling;

namespace ControlPlane.Domain.Clusters;

/// <summary>MIG layout of a pool: how many slices of a profile one GPU is cut into.</summary>
public sealed record MigLayout(string Profile, int PerGpu);

/// <summary>A Kubernetes taint of the pool's nodes; placements get a matching toleration.</summary>
public sealed record NodeTaint(string Key, string? Value, string Effect);

/// <summary>A group of identical GPU nodes in one cluster, with the capacity the control plane has reserved on it.</summary>
public sealed class NodePool
{
    private NodePool()
    {
    }

    public Guid Id { get; private set; }
    public Guid ClusterId { get; private set; }
    public string Name { get; private set; } = "";
    public string GpuModel { get; private set; } = "";
    public int GpuMemoryGiB { get; private set; }
    public int GpusPerNode { get; private set; }
    public int NodeCount { get; private set; }
    public List<MigLayout> MigProfiles { get; private set; } = [];
    public CapacityType CapacityType { get; private set; }
    public List<PoolPurpose> Purposes { get; private set; } = [];
    public List<NodeTaint> Taints { get; private set; } = [];
    public Dictionary<string, string> Labels { get; private set; } = [];
    /// <summary>Sandbox runtime classes, named as the cluster names its RuntimeClass objects.</summary>
    public List<string> RuntimeClasses { get; private set; } = [];

    /// <summary>Declared runtime classes the cluster had no RuntimeClass object for at the last capacity sync.</summary>
    public List<string> MissingRuntimeClasses { get; private set; } = [];

    /// <summary>Schedulable unless the cluster lacks one of its runtime classes (pods would be refused there).</summary>
    public NodePoolState State => MissingRuntimeClasses.Count == 0 ? NodePoolState.Schedulable : NodePoolState.Unschedulable;

    /// <summary>Why the pool is unschedulable, for operators.</summary>
    public string? UnschedulableReason => MissingRuntimeClasses.Count == 0 ? null
        : $"the cluster has no RuntimeClass named {string.Join(", ", MissingRuntimeClasses)}; placements are not scheduled here until it exists";
    public string? DedicatedTenant { get; private set; }
    public decimal PricePerGpuHour { get; private set; }

    /// <summary>Digits and decimals of stored prices, numeric(18, 6); a placement's hourly price is stored the same way.</summary>
    public const int PricePrecision = 18;

    public const int PriceScale = 6;

    /// <summary>Taints one pool may carry (Kubernetes puts no bound on them; every placement's pod spec repeats them).</summary>
    public const int MaxTaints = 32;

    /// <summary>The highest price per GPU-hour: 16 GPUs × 1,000 replicas at it still fit a placement's hourly price.</summary>
    public const decimal MaxPricePerGpuHour = 1_000_000m;

    /// <summary>Whole GPUs reserved by admitted placements.</summary>
    public int AllocatedGpus { get; private set; }

    /// <summary>MIG slices reserved by admitted placements, per profile.</summary>
    public Dictionary<string, int> AllocatedMigSlices { get; private set; } = [];
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public uint Version { get; private set; }

    public int TotalGpus => GpusPerNode * NodeCount;

    public static NodePool Create(Guid clusterId, string name, NodePoolShape shape, DateTimeOffset now)
    {
        var pool = new NodePool { Id = Guid.CreateVersion7(now), ClusterId = clusterId, Name = name, CreatedAt = now };
        pool.Reshape(shape, now);
        return pool;
    }

    public void Reshape(NodePoolShape shape, DateTimeOffset now)
    {
        GpuModel = shape.GpuModel.ToLowerInvariant();
        GpuMemoryGiB = shape.GpuMemoryGiB;
        GpusPerNode = shape.GpusPerNode;
        NodeCount = shape.NodeCount;
        MigProfiles = [.. shape.MigProfiles];
        CapacityType = shape.CapacityType;
        Purposes = [.. shape.Purposes.Distinct()];
        Taints = [.. shape.Taints];
        Labels = new Dictionary<string, string>(shape.Labels, StringComparer.Ordinal);
        RuntimeClasses = [.. shape.RuntimeClasses.Distinct()];
        MissingRuntimeClasses = [.. MissingRuntimeClasses.Intersect(RuntimeClasses)];
        DedicatedTenant = shape.DedicatedTenant;
        PricePerGpuHour = shape.PricePerGpuHour;
        UpdatedAt = now;
    }

    /// <summary>What the cluster's nodes say (capacity sync): node count and GPUs per node.</summary>
    public void ObservedCapacity(int nodeCount, int gpusPerNode, IReadOnlyList<MigLayout> migProfiles, DateTimeOffset now)
    {
        NodeCount = nodeCount;
        GpusPerNode = gpusPerNode;
        if (migProfiles.Count > 0)
        {
            MigProfiles = [.. migProfiles];
        }

        UpdatedAt = now;
    }

    /// <summary>What the capacity sync found of the cluster's RuntimeClass objects: the declared ones not among them are missing.</summary>
    public void ObservedRuntimeClasses(IReadOnlyCollection<string> present, DateTimeOffset now)
    {
        var missing = RuntimeClasses.Where(rc => !present.Contains(rc)).ToList();
        if (!missing.SequenceEqual(MissingRuntimeClasses))
        {
            MissingRuntimeClasses = missing;
            UpdatedAt = now;
        }
    }

    /// <summary>Free units of what a request needs: whole GPUs, or slices of one MIG profile.</summary>
    public long FreeUnits(string? migProfile) => migProfile is null
        ? (long)TotalGpus - AllocatedGpus
        : MigProfiles.Where(m => m.Profile == migProfile).Sum(m => (long)m.PerGpu * TotalGpus) - AllocatedMigSlices.GetValueOrDefault(migProfile);

    public bool HasReservations => AllocatedGpus > 0 || AllocatedMigSlices.Values.Any(v => v > 0);
}

/// <summary>The operator-declared shape of a pool.</summary>
public sealed record NodePoolShape(
    string GpuModel, int GpuMemoryGiB, int GpusPerNode, int NodeCount, IReadOnlyList<MigLayout> MigProfiles,
    CapacityType CapacityType, IReadOnlyList<PoolPurpose> Purposes, IReadOnlyList<NodeTaint> Taints,
    IReadOnlyDictionary<string, string> Labels, IReadOnlyList<string> RuntimeClasses, string? DedicatedTenant,
    decimal PricePerGpuHour);
