using System.Globalization;
using ControlPlane.Domain.Tenants;
using ControlPlane.Domain.Common;

namespace ControlPlane.Domain.Scheduling;

/// <summary>The human sentences behind <see cref="CandidateEvaluation.Reason"/>.</summary>
internal static class ReasonText
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Format(
        CandidateEvaluation evaluation, SchedulingRequest request, NodePoolSnapshot pool, MigProfileCapacity? mig)
    {
        var cluster = pool.Cluster;
        var gpu = request.Gpu;
        var where = string.Create(Inv, $"pool {pool.Name} in {cluster.Name}");

        if (evaluation.ReasonCode is not { } code)
        {
            var runtime = evaluation.RuntimeClass is { } rc ? string.Create(Inv, $" under {rc}") : string.Empty;
            return string.Create(Inv,
                $"{where} can take it{runtime}: {evaluation.NeededUnits} of {Units(evaluation.FreeUnits, "free", pool, mig)}, ") +
                string.Create(Inv, $"{Money(evaluation.HourlyPrice)} per hour, {evaluation.UtilisationAfterPlacement:0.#%} allocated after placement") +
                (evaluation.TiedWith > 0
                    ? string.Create(Inv, $"; equal on price and packing with {evaluation.TiedWith} other pool(s), chosen among them by a stable hash of the placement")
                    : string.Empty);
        }

        return code switch
        {
            RejectionCode.DedicatedToAnotherTenant => cluster.DedicatedTenant is { } owner && !string.Equals(owner, request.Tenant, StringComparison.Ordinal)
                ? string.Create(Inv, $"cluster {cluster.Name} is dedicated to another tenant")
                : string.Create(Inv, $"{where} is dedicated to another tenant"),
            RejectionCode.ClusterNotDedicated => string.Create(Inv,
                $"cluster {cluster.Name} is not dedicated to tenant {request.Tenant}; physical-tier placements run only on the tenant's dedicated clusters"),
            RejectionCode.IsolationTierMismatch => IsolationMismatch(request, pool, where),
            RejectionCode.RegionNotAllowed => RegionNotAllowed(request, cluster),
            RejectionCode.PurposeMismatch => string.Create(Inv,
                $"{where} serves {Purposes(pool.Purposes)}; {Name(request.Kind)} placements need {NeededPurposes(request.Kind)}"),
            RejectionCode.SpotNotAllowed => string.Create(Inv,
                $"{where} is a spot pool; only interruptible requests may run on spot capacity"),
            RejectionCode.GpuModelMismatch => string.Create(Inv,
                $"{where} has {Upper(pool.GpuModel)} GPUs; {Upper(gpu.Model!)} GPUs are requested"),
            RejectionCode.MigProfileNotOffered => string.Create(Inv,
                $"{where} does not offer MIG profile {gpu.MigProfile} ({OfferedProfiles(pool.MigProfiles)})"),
            RejectionCode.SandboxRuntimeUnsupported => gpu.IsMig
                ? string.Create(Inv, $"{where} offers only the gVisor sandbox, which cannot run MIG devices")
                : string.Create(Inv, $"{where} offers only the gVisor sandbox, which runs at most 1 GPU per replica; {gpu.GpusPerReplica} are needed per replica"),
            RejectionCode.RuntimeClassMissing => string.Create(Inv,
                $"{where} declares runtime class {string.Join(", ", pool.MissingRuntimeClasses)}, which cluster {cluster.Name} does not have (no RuntimeClass object); pods would be refused"),
            RejectionCode.ReplicaExceedsNodeSize => string.Create(Inv,
                $"{where} has {Units(PerNode(pool, mig), null, pool, mig)} per node; one replica needs {gpu.UnitsPerReplica} on a single node"),
            RejectionCode.RequestExceedsPoolSize => string.Create(Inv,
                $"{where} has {Units(evaluation.TotalUnits, null, pool, mig)} in total, even when empty; {Needed(evaluation.NeededUnits)}"),
            RejectionCode.ClusterUnavailable => string.Create(Inv,
                $"cluster {cluster.Name} is unavailable (unreachable or disabled)"),
            RejectionCode.InsufficientCapacity or RejectionCode.MigCapacityExhausted => string.Create(Inv,
                $"{where} has {Units(evaluation.FreeUnits, "free", pool, mig)}; {Needed(evaluation.NeededUnits)}"),
            _ => WireNames.Of(code),
        };
    }

    private static string IsolationMismatch(SchedulingRequest request, NodePoolSnapshot pool, string where)
    {
        var cluster = pool.Cluster;
        if (cluster.DedicatedTenant is not null && request.Tier != IsolationTier.Physical)
        {
            return string.Create(Inv,
                $"cluster {cluster.Name} is dedicated to tenant {request.Tenant} for physical-tier placements; this is a {Name(request.Tier)}-tier placement");
        }

        if (request.Tier == IsolationTier.Strong)
        {
            return string.Create(Inv, $"{where} offers no sandbox runtime class (e.g. kata or gvisor); strong-tier placements need one");
        }

        return pool.RuntimeClasses.Count > 0
            ? string.Create(Inv, $"{where} is reserved for strong-tier tenants (runtime classes: {string.Join(", ", pool.RuntimeClasses)}); soft-tier placements run only on shared pools")
            : string.Create(Inv, $"{where} is dedicated to a tenant; soft-tier placements run only on shared pools");
    }

    private static string RegionNotAllowed(SchedulingRequest request, ClusterSnapshot cluster)
    {
        var requested = request.AllowedRegions;
        var tenant = request.TenantAllowedRegions;
        var allowed = (requested.Count > 0, tenant.Count > 0) switch
        {
            (true, true) => string.Create(Inv, $"the request allows {string.Join(", ", requested)} and the tenant allows {string.Join(", ", tenant)}"),
            (true, false) => string.Create(Inv, $"the request allows {string.Join(", ", requested)}"),
            _ => string.Create(Inv, $"the tenant allows {string.Join(", ", tenant)}"),
        };
        return string.Create(Inv, $"cluster {cluster.Name} is in region {cluster.Region}; {allowed}");
    }

    private static long PerNode(NodePoolSnapshot pool, MigProfileCapacity? mig) =>
        mig is null ? pool.GpusPerNode : (long)mig.PerGpu * pool.GpusPerNode;

    /// <summary>"3 free H100 GPUs", "1 1g.10gb MIG slice", ...</summary>
    private static string Units(long count, string? adjective, NodePoolSnapshot pool, MigProfileCapacity? mig)
    {
        var prefix = adjective is null ? string.Empty : adjective + " ";
        return mig is null
            ? string.Create(Inv, $"{count} {prefix}{Upper(pool.GpuModel)} {(count == 1 ? "GPU" : "GPUs")}")
            : string.Create(Inv, $"{count} {prefix}{mig.Profile} MIG {(count == 1 ? "slice" : "slices")}");
    }

    private static string Needed(long count) => count == 1 ? "1 is needed" : string.Create(Inv, $"{count} are needed");

    private static string OfferedProfiles(IReadOnlyList<MigProfileCapacity> profiles)
    {
        if (profiles.Count == 0)
        {
            return "it offers no MIG profiles";
        }

        var names = new string[profiles.Count];
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = profiles[i].Profile;
        }

        return "it offers " + string.Join(", ", names);
    }

    private static string Purposes(IReadOnlyList<PoolPurpose> purposes)
    {
        if (purposes.Count == 0)
        {
            return "no workload purpose";
        }

        var names = new string[purposes.Count];
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = Name(purposes[i]);
        }

        return string.Join(", ", names);
    }

    private static string NeededPurposes(PlacementKind kind) => kind switch
    {
        PlacementKind.Inference => "an inference or realtime pool",
        PlacementKind.Training => "a training pool",
        _ => "a batch or training pool",
    };

    private static string Name(PoolPurpose purpose) => purpose switch
    {
        PoolPurpose.Inference => "inference",
        PoolPurpose.Realtime => "realtime",
        PoolPurpose.Training => "training",
        PoolPurpose.Batch => "batch",
        _ => purpose.ToString(),
    };

    private static string Name(PlacementKind kind) => kind switch
    {
        PlacementKind.Inference => "inference",
        PlacementKind.Training => "training",
        PlacementKind.Batch => "batch",
        _ => kind.ToString(),
    };

    private static string Name(IsolationTier tier) => tier switch
    {
        IsolationTier.Soft => "soft",
        IsolationTier.Strong => "strong",
        IsolationTier.Physical => "physical",
        _ => tier.ToString(),
    };

    private static string Money(decimal amount) => amount.ToString("0.00##", CultureInfo.InvariantCulture);

    private static string Upper(string text) => text.ToUpperInvariant();
}
