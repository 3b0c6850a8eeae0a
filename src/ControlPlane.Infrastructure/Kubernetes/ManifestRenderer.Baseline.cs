using System.Globalization;
using ControlPlane.Application.Clusters;
using ControlPlane.Domain.Tenants;
using k8s.Models;
using ControlPlane.Domain.Common;

namespace ControlPlane.Infrastructure.Kubernetes;

public static partial class ManifestRenderer
{
    /// <summary>Name of the tenant's GPU ResourceQuota.</summary>
    public const string ResourceQuotaName = "controlplane-gpu";

    /// <summary>Name of the tenant's container defaults LimitRange.</summary>
    public const string LimitRangeName = "controlplane-defaults";

    /// <summary>Name of the tenant's RoleBinding to the <c>edit</c> ClusterRole.</summary>
    public const string RoleBindingName = "controlplane-tenant-edit";

    private const string RbacGroup = "rbac.authorization.k8s.io";

    /// <summary>The namespace <c>t-&lt;tenant&gt;</c>, labelled with the tier and its Pod Security Admission level.</summary>
    public static V1Namespace Namespace(TenantBaseline baseline)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        var labels = TenantLabels(baseline.Tenant);
        labels[ManifestLabels.IsolationTier] = WireNames.Of(baseline.Tier);
        // Strong and physical tenants run untrusted code in sandboxes; restricted closes the remaining escape hatches.
        labels[ManifestLabels.PodSecurityEnforce] = baseline.Tier is IsolationTier.Strong or IsolationTier.Physical ? "restricted" : "baseline";
        return new V1Namespace
        {
            ApiVersion = "v1",
            Kind = "Namespace",
            Metadata = new V1ObjectMeta { Name = TenantNamespace.For(baseline.Tenant), Labels = labels },
        };
    }

    /// <summary>The ResourceQuota capping extended GPU resources (<c>requests.&lt;resource&gt;</c>) in the namespace.</summary>
    public static V1ResourceQuota ResourceQuota(TenantBaseline baseline)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        // Kubernetes only accepts the requests. prefix for extended resources in a quota.
        var hard = baseline.GpuQuota
            .OrderBy(q => q.Key, StringComparer.Ordinal)
            .ToDictionary(q => "requests." + q.Key, q => new ResourceQuantity(q.Value.ToString(CultureInfo.InvariantCulture)), StringComparer.Ordinal);
        return new V1ResourceQuota
        {
            ApiVersion = "v1",
            Kind = "ResourceQuota",
            Metadata = TenantMetadata(baseline.Tenant, ResourceQuotaName),
            Spec = new V1ResourceQuotaSpec { Hard = hard },
        };
    }

    /// <summary>Default requests and limits for containers that set none, so one pod cannot take a node's CPU or memory.</summary>
    public static V1LimitRange LimitRange(TenantBaseline baseline)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        return new V1LimitRange
        {
            ApiVersion = "v1",
            Kind = "LimitRange",
            Metadata = TenantMetadata(baseline.Tenant, LimitRangeName),
            Spec = new V1LimitRangeSpec
            {
                Limits =
                [
                    new V1LimitRangeItem
                    {
                        Type = "Container",
                        DefaultRequest = Resources(("cpu", "500m"), ("memory", "1Gi")),
                        DefaultProperty = Resources(("cpu", "2"), ("memory", "8Gi")),
                    },
                ],
            },
        };
    }

    /// <summary>The RoleBinding granting the tenant's group the built-in <c>edit</c> ClusterRole inside its namespace only.</summary>
    public static V1RoleBinding RoleBinding(TenantBaseline baseline)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        return new V1RoleBinding
        {
            ApiVersion = RbacGroup + "/v1",
            Kind = "RoleBinding",
            Metadata = TenantMetadata(baseline.Tenant, RoleBindingName),
            RoleRef = new V1RoleRef { ApiGroup = RbacGroup, Kind = "ClusterRole", Name = "edit" },
            Subjects = [new Rbacv1Subject { ApiGroup = RbacGroup, Kind = "Group", Name = "controlplane:tenant:" + baseline.Tenant }],
        };
    }

    private static Dictionary<string, ResourceQuantity> Resources(params (string Name, string Quantity)[] resources) =>
        resources.ToDictionary(r => r.Name, r => new ResourceQuantity(r.Quantity), StringComparer.Ordinal);
}
