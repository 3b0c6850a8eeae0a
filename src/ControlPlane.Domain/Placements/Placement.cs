using ControlPlane.Domain.Common;
using ControlPlane.Domain.Scheduling;

namespace ControlPlane.Domain.Placements;

/// <summary>A model version a placement serves, as resolved at admission.</summary>
public sealed record ResolvedModel(string Name, int Version, string Digest);

/// <summary>What a tenant asked to run: the spec.</summary>
public sealed record PlacementSpec(
    PlacementKind Kind, string Image, IReadOnlyList<string> Command, IReadOnlyList<string> Args,
    IReadOnlyDictionary<string, string> Env, int MinReplicas, int MaxReplicas, string? GpuModel, int GpusPerReplica,
    string? MigProfile, string? Cpu, string? Memory, PlacementPriority Priority, bool Interruptible, IReadOnlyList<string> Regions,
    PlacementAutoscaling? Autoscaling = null);

/// <summary>
/// A tenant's GPU workload (inference deployment, training or batch job): its spec, where the scheduler put it and
/// why, and what the cluster reports. Capacity and quota stay reserved until a terminal phase releases them.
/// </summary>
public sealed class Placement
{
    private Placement()
    {
    }

    public Guid Id { get; private set; }
    public Guid TenantId { get; private set; }
    public string Tenant { get; private set; } = "";
    public string Name { get; private set; } = "";
    public PlacementKind Kind { get; private set; }
    public string Image { get; private set; } = "";
    public List<string> Command { get; private set; } = [];
    public List<string> Args { get; private set; } = [];
    public Dictionary<string, string> Env { get; private set; } = [];
    public int MinReplicas { get; private set; }
    public int MaxReplicas { get; private set; }
    public string? GpuModel { get; private set; }
    public int GpusPerReplica { get; private set; }
    public string? MigProfile { get; private set; }
    public string? Cpu { get; private set; }
    public string? Memory { get; private set; }
    public PlacementPriority Priority { get; private set; }
    public bool Interruptible { get; private set; }
    public List<string> Regions { get; private set; } = [];

    /// <summary>How the HorizontalPodAutoscaler scales an inference placement between its bounds; null uses CPU utilisation.</summary>
    public PlacementAutoscaling? Autoscaling { get; private set; }

    /// <summary>The model version it serves, resolved (from a number or an alias) to a digest at admission.</summary>
    public string? ModelName { get; private set; }
    public int? ModelVersion { get; private set; }
    public string? ModelDigest { get; private set; }

    public PlacementPhase Phase { get; private set; }
    public Guid ClusterId { get; private set; }
    public string ClusterName { get; private set; } = "";
    public Guid NodePoolId { get; private set; }
    public string NodePoolName { get; private set; } = "";
    /// <summary>The sandbox runtime class it runs under (strong tier), as the cluster names it.</summary>
    public string? RuntimeClass { get; private set; }
    public decimal HourlyPrice { get; private set; }

    /// <summary>The scheduling decision as JSON (every pool with its verdict), kept for explanation.</summary>
    public string Decision { get; private set; } = "{}";
    public int ReadyReplicas { get; private set; }
    public string? Message { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public uint Version { get; private set; }

    /// <summary>An inference placement with room between its bounds gets a HorizontalPodAutoscaler.</summary>
    public bool Autoscaled => IsAutoscaled(Kind, MinReplicas, MaxReplicas);

    /// <summary>The rule behind <see cref="Autoscaled"/>, for readers that load a few columns instead of the placement.</summary>
    public static bool IsAutoscaled(PlacementKind kind, int minReplicas, int maxReplicas) =>
        kind == PlacementKind.Inference && minReplicas < maxReplicas;

    /// <summary>Whole GPUs, or MIG slices, one replica takes.</summary>
    public int UnitsPerReplica => MigProfile is null ? GpusPerReplica : 1;

    /// <summary>
    /// Whole GPUs or MIG slices reserved on the pool and counted against quota: for the upper bound, so that every burst
    /// the autoscaler may make is guaranteed and the pool is never overcommitted.
    /// </summary>
    public int ReservedUnits => MaxReplicas * UnitsPerReplica;

    /// <summary>Units of the replicas the cluster last reported ready: what GPU-seconds accrue for (not the reservation).</summary>
    public int ReadyUnits => ReadyReplicas * UnitsPerReplica;

    /// <summary>The quota resource its units count against: gpu.&lt;model&gt; or mig.&lt;profile&gt;.</summary>
    public string GpuQuotaResource => MigProfile is null ? Quotas.QuotaResource.Gpu(GpuModel!) : Quotas.QuotaResource.Mig(MigProfile);

    /// <summary>True from admission until its quota and pool capacity are given back (exactly once).</summary>
    public bool HoldsCapacity { get; private set; }

    public static (Placement Placement, PlacementTransition Admitted) Admit(Guid tenantId, string tenant, string name, PlacementSpec spec,
        Guid clusterId, string clusterName, Guid nodePoolId, string nodePoolName, string? runtimeClass, decimal hourlyPrice,
        string decision, DateTimeOffset now, ResolvedModel? model = null)
    {
        var placement = new Placement
        {
            Id = Guid.CreateVersion7(now),
            TenantId = tenantId,
            Tenant = tenant,
            Name = name,
            Kind = spec.Kind,
            Image = spec.Image,
            Command = [.. spec.Command],
            Args = [.. spec.Args],
            Env = new Dictionary<string, string>(spec.Env, StringComparer.Ordinal),
            MinReplicas = spec.MinReplicas,
            MaxReplicas = spec.MaxReplicas,
            GpuModel = spec.GpuModel?.ToLowerInvariant(),
            GpusPerReplica = spec.GpusPerReplica,
            MigProfile = spec.MigProfile?.ToLowerInvariant(),
            Cpu = spec.Cpu,
            Memory = spec.Memory,
            Priority = spec.Priority,
            Interruptible = spec.Interruptible,
            Regions = [.. spec.Regions],
            Autoscaling = spec.Autoscaling,
            ModelName = model?.Name,
            ModelVersion = model?.Version,
            ModelDigest = model?.Digest,
            Phase = PlacementPhase.Pending,
            HoldsCapacity = true,
            ClusterId = clusterId,
            ClusterName = clusterName,
            NodePoolId = nodePoolId,
            NodePoolName = nodePoolName,
            RuntimeClass = runtimeClass,
            HourlyPrice = hourlyPrice,
            Decision = decision,
            CreatedAt = now,
            UpdatedAt = now,
        };
        return (placement, PlacementTransition.Of(placement.Id, PlacementPhase.Pending, now, "admitted"));
    }

    /// <summary>Changes the replica bounds; returns the change in reserved units (positive: more to reserve).</summary>
    public int Rescale(int minReplicas, int maxReplicas, DateTimeOffset now)
    {
        var before = ReservedUnits;
        MinReplicas = minReplicas;
        MaxReplicas = maxReplicas;
        UpdatedAt = now;
        return ReservedUnits - before;
    }

    /// <summary>A promoted rollout's target becomes what the stable Deployment runs (the model's lineage follows the version).</summary>
    public void Retarget(string image, ResolvedModel? model, DateTimeOffset now)
    {
        Image = image;
        ModelName = model?.Name ?? ModelName;
        ModelVersion = model?.Version ?? ModelVersion;
        ModelDigest = model?.Digest ?? ModelDigest;
        UpdatedAt = now;
    }

    /// <summary>Moves to <paramref name="phase"/>; returns the transition to record, or null when nothing changed.</summary>
    public PlacementTransition? MoveTo(PlacementPhase phase, DateTimeOffset now, string? message = null)
    {
        message = StatusMessage.Fit(message);
        Message = message ?? Message;
        UpdatedAt = now;
        if (phase == Phase)
        {
            return null;
        }

        Phase = phase;
        return PlacementTransition.Of(Id, phase, now, message);
    }

    /// <summary>
    /// Takes the phase and message the cluster's state implies. Returns a transition when the phase changes — and, while
    /// degraded, also when the cluster's reason changes, so the history shows every reason the user was given.
    /// </summary>
    public PlacementTransition? Report(PlacementPhase phase, string message, DateTimeOffset now)
    {
        var newReason = phase == PlacementPhase.Degraded && Phase == PlacementPhase.Degraded && message != Message;
        return MoveTo(phase, now, message) ?? (newReason ? PlacementTransition.Of(Id, phase, now, message) : null);
    }

    /// <summary>Marks the capacity as given back; false when it already was, so nothing is released twice.</summary>
    public bool CapacityReleased()
    {
        var held = HoldsCapacity;
        HoldsCapacity = false;
        return held;
    }

    public void Observed(int readyReplicas, DateTimeOffset now)
    {
        ReadyReplicas = readyReplicas;
        UpdatedAt = now;
    }
}
