using ControlPlane.Application.Clusters;

namespace ControlPlane.Application.Slos;

/// <summary>The PrometheusRule (monitoring.coreos.com/v1) of one SLO: its groups, in the tenant's namespace.</summary>
/// <param name="Slo">The SLO's name; the object is named slo-&lt;name&gt;.</param>
public sealed record SloRuleManifest(string Tenant, string Placement, string Slo, IReadOnlyList<PrometheusRuleGroup> Groups);

/// <summary>One weighted backend of a placement's traffic split: a Service in the tenant's namespace (a placement's or a canary's).</summary>
public sealed record TrafficBackend(string Service, int Weight);

/// <summary>A copy of <paramref name="Percent"/>% of the requests sent to <paramref name="Service"/>, its responses discarded (RequestMirror).</summary>
public sealed record TrafficMirror(string Service, int Percent);

/// <summary>The Gateway an HTTPRoute attaches to (its parentRef).</summary>
public sealed record GatewayParent(string Namespace, string Name);

/// <summary>
/// How a placement's traffic is split: a Gateway API HTTPRoute named after the placement, with backend weights (rollout
/// canary, SLO fallback), an optional mirror (shadow rollout) and the cluster's Gateway as parent. No backends: the route
/// is removed. Built by <see cref="TrafficSplits"/> only.
/// </summary>
public sealed record TrafficSplit(string Tenant, string Placement, IReadOnlyList<TrafficBackend> Backends, TrafficMirror? Mirror = null,
    GatewayParent? Gateway = null);

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
