using ControlPlane.Application.Clusters;

namespace ControlPlane.Application.Slos;

/// <summary>The PrometheusRule (monitoring.coreos.com/v1) of one SLO: its groups, in the tenant's namespace.</summary>
/// <param name="Slo">The SLO's name; the object is named slo-&lt;name&gt;.</param>
public sealed record SloRuleManifest(string Tenant, string Placement, string Slo, IReadOnlyList<PrometheusRuleGroup> Groups);

/// <summary>One weighted backend of a placement's traffic split: the Service of a placement of the same tenant.</summary>
public sealed record TrafficBackend(string Placement, int Weight);

/// <summary>
/// How a placement's traffic is split (a Gateway API HTTPRoute named after the placement, backend weights). No backends:
/// no split, the route is removed. SLO fallbacks write it now; rollouts (canary weights, mirrors) will build on it.
/// </summary>
public sealed record TrafficSplit(string Tenant, string Placement, IReadOnlyList<TrafficBackend> Backends);

/// <summary>The cluster objects SLOs own, behind a port (custom objects by server-side apply in Infrastructure).</summary>
public interface IClusterSloObjects
{
    /// <summary>
    /// Makes the placement's PrometheusRules exactly <paramref name="rules"/>: applies each, deletes those of SLOs that are
    /// gone (found by the placement label), so a deletion missed once is still cleaned up later.
    /// </summary>
    Task SyncPrometheusRulesAsync(ClusterConnection cluster, string tenant, string placement, IReadOnlyList<SloRuleManifest> rules,
        CancellationToken cancellationToken);

    /// <summary>Applies the placement's HTTPRoute, or deletes it when the split has no backends.</summary>
    Task ApplyTrafficSplitAsync(ClusterConnection cluster, TrafficSplit split, CancellationToken cancellationToken);
}
