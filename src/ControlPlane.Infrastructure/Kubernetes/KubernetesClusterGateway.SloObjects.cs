using System.Text.Json;
using ControlPlane.Application.Clusters;
using ControlPlane.Application.Slos;
using ControlPlane.Domain.Tenants;
using k8s;

namespace ControlPlane.Infrastructure.Kubernetes;

/// <summary>The SLO objects (PrometheusRules, the placement's HTTPRoute) as custom objects, by server-side apply.</summary>
public sealed partial class KubernetesClusterGateway : IClusterSloObjects
{
    public Task SyncPrometheusRulesAsync(ClusterConnection cluster, string tenant, string placement, IReadOnlyList<SloRuleManifest> rules,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rules);
        var ns = TenantNamespace.For(tenant);
        return RunAsync(cluster, $"sync the PrometheusRules of placement '{placement}' of tenant '{tenant}'", async client =>
        {
            foreach (var rule in rules)
            {
                var manifest = SloObjectManifests.PrometheusRule(rule);
                await client.CustomObjects.PatchNamespacedCustomObjectAsync(Apply(manifest), SloObjectManifests.MonitoringGroup,
                    SloObjectManifests.MonitoringVersion, ns, SloObjectManifests.PrometheusRules, manifest.Metadata.Name,
                    fieldManager: FieldManager, force: true, cancellationToken: cancellationToken);
            }

            var wanted = rules.Select(r => SloObjectManifests.RuleName(r.Slo)).ToHashSet(StringComparer.Ordinal);
            var existing = await client.CustomObjects.ListNamespacedCustomObjectAsync(SloObjectManifests.MonitoringGroup,
                SloObjectManifests.MonitoringVersion, ns, SloObjectManifests.PrometheusRules,
                labelSelector: $"{ManifestLabels.ManagedBy}={ManifestLabels.ManagedByValue},{ManifestLabels.Placement}={placement}",
                cancellationToken: cancellationToken);
            foreach (var name in Names(existing).Where(n => !wanted.Contains(n)))
            {
                await DeleteIfPresentAsync(() => client.CustomObjects.DeleteNamespacedCustomObjectAsync(SloObjectManifests.MonitoringGroup,
                    SloObjectManifests.MonitoringVersion, ns, SloObjectManifests.PrometheusRules, name, cancellationToken: cancellationToken));
            }

            return true;
        }, cancellationToken);
    }

    public Task ApplyTrafficSplitAsync(ClusterConnection cluster, TrafficSplit split, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(split);
        var ns = TenantNamespace.For(split.Tenant);
        return RunAsync(cluster, $"apply the traffic split of placement '{split.Placement}' of tenant '{split.Tenant}'", async client =>
        {
            if (split.Backends.Count == 0)
            {
                await DeleteIfPresentAsync(() => client.CustomObjects.DeleteNamespacedCustomObjectAsync(SloObjectManifests.GatewayGroup,
                    SloObjectManifests.GatewayVersion, ns, SloObjectManifests.HttpRoutes, split.Placement, cancellationToken: cancellationToken));
                return true;
            }

            await client.CustomObjects.PatchNamespacedCustomObjectAsync(Apply(SloObjectManifests.HttpRoute(split)), SloObjectManifests.GatewayGroup,
                SloObjectManifests.GatewayVersion, ns, SloObjectManifests.HttpRoutes, split.Placement,
                fieldManager: FieldManager, force: true, cancellationToken: cancellationToken);
            return true;
        }, cancellationToken);
    }

    /// <summary>The names in a custom-object list (the client returns it untyped).</summary>
    private static IEnumerable<string> Names(object list) =>
        list is JsonElement json && json.TryGetProperty("items", out var items)
            ? items.EnumerateArray().Select(i => i.GetProperty("metadata").GetProperty("name").GetString()!).ToList()
            : [];
}
