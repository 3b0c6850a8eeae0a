using ControlPlane.Domain.Tenants;
namespace ControlPlane.Domain.Scheduling;

/// <summary>What one decision works out once rather than once per pool.</summary>
internal sealed class DecisionContext
{
    public DecisionContext(SchedulingRequest request, FleetSnapshot fleet)
    {
        Request = request;
        NeededUnits = request.TotalUnits;
        ModelId = request.Gpu.Model is { } model ? fleet.ModelId(model) : -1;
        MigProfileId = request.Gpu.MigProfile is { } profile ? fleet.MigProfileId(profile) : -1;
        ServingPurposes = request.Kind switch
        {
            PlacementKind.Inference => PurposeMask.Inference | PurposeMask.Realtime,
            PlacementKind.Training => PurposeMask.Training,
            PlacementKind.Batch => PurposeMask.Batch | PurposeMask.Training,
            _ => PurposeMask.None,
        };

        var clusters = fleet.Clusters;
        ClusterVerdicts = new RejectionCode?[clusters.Count];
        ClusterAvailable = new bool[clusters.Count];
        for (var i = 0; i < clusters.Count; i++)
        {
            ClusterVerdicts[i] = Verdict(request, clusters[i]);
            ClusterAvailable[i] = clusters[i].Available;
        }
    }

    public SchedulingRequest Request { get; }

    public long NeededUnits { get; }

    /// <summary>Id of the requested GPU model in the fleet, -1 when no pool has it (or none was asked).</summary>
    public int ModelId { get; }

    /// <summary>Id of the requested MIG profile in the fleet, -1 when no pool offers it (or none was asked).</summary>
    public int MigProfileId { get; }

    /// <summary>Pool purposes that serve the request's kind.</summary>
    public PurposeMask ServingPurposes { get; }

    /// <summary>The cluster-level refusal of each cluster, by fleet cluster index; null when the cluster passes.</summary>
    public RejectionCode?[] ClusterVerdicts { get; }

    /// <summary>Whether each cluster is available, by fleet cluster index.</summary>
    public bool[] ClusterAvailable { get; }

    private static RejectionCode? Verdict(SchedulingRequest request, ClusterSnapshot cluster)
    {
        var dedicatedToTenant = cluster.DedicatedTenant is { } owner && string.Equals(owner, request.Tenant, StringComparison.Ordinal);
        if (cluster.DedicatedTenant is not null && !dedicatedToTenant)
        {
            return RejectionCode.DedicatedToAnotherTenant;
        }

        if (request.Tier == IsolationTier.Physical && !dedicatedToTenant)
        {
            return RejectionCode.ClusterNotDedicated;
        }

        if (request.Tier != IsolationTier.Physical && dedicatedToTenant)
        {
            // A dedicated cluster is physical-tier capacity; soft and strong placements stay on shared clusters.
            return RejectionCode.IsolationTierMismatch;
        }

        if (!RegionAllowed(request.AllowedRegions, cluster.Region) || !RegionAllowed(request.TenantAllowedRegions, cluster.Region))
        {
            return RejectionCode.RegionNotAllowed;
        }

        return null;
    }

    private static bool RegionAllowed(IReadOnlyList<string> allowed, string region)
    {
        if (allowed.Count == 0)
        {
            return true;
        }

        for (var i = 0; i < allowed.Count; i++)
        {
            if (string.Equals(allowed[i], region, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
