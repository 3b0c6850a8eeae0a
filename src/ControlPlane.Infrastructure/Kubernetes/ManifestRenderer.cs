using ControlPlane.Application.Clusters;
using ControlPlane.Domain.Tenants;
using k8s.Models;

namespace ControlPlane.Infrastructure.Kubernetes;

/// <summary>
/// Renders the Kubernetes objects of a tenant baseline and of a placement: pure functions of their input,
/// with apiVersion and kind set (server-side apply needs both), deterministic names, and control-plane labels.
/// </summary>
public static partial class ManifestRenderer
{
    private static Dictionary<string, string> TenantLabels(string tenant) => new(StringComparer.Ordinal)
    {
        [ManifestLabels.ManagedBy] = ManifestLabels.ManagedByValue,
        [ManifestLabels.Tenant] = tenant,
    };

    private static Dictionary<string, string> PlacementLabels(PlacementManifest manifest)
    {
        var labels = TenantLabels(manifest.Tenant);
        labels[ManifestLabels.Placement] = manifest.Name;
        return labels;
    }

    /// <summary>
    /// The labels that identify a placement's pods. Deliberately fixed and minimal: a Deployment's selector is
    /// immutable, so nothing that might change later may be part of it.
    /// </summary>
    private static Dictionary<string, string> PlacementSelector(PlacementManifest manifest) => new(StringComparer.Ordinal)
    {
        [ManifestLabels.Tenant] = manifest.Tenant,
        [ManifestLabels.Placement] = manifest.Name,
    };

    private static V1ObjectMeta TenantMetadata(string tenant, string name) => new()
    {
        Name = name,
        NamespaceProperty = TenantNamespace.For(tenant),
        Labels = TenantLabels(tenant),
    };

    private static V1ObjectMeta PlacementMetadata(PlacementManifest manifest) => new()
    {
        Name = manifest.Name,
        NamespaceProperty = TenantNamespace.For(manifest.Tenant),
        Labels = PlacementLabels(manifest),
        Annotations = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [ManifestLabels.PlacementIdAnnotation] = manifest.PlacementId.ToString("D"),
        },
    };
}
