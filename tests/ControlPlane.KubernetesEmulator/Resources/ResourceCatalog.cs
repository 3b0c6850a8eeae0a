using ControlPlane.KubernetesEmulator.Schemas;
using k8s.Models;

namespace ControlPlane.KubernetesEmulator.Resources;

/// <summary>
/// Every resource type the emulator serves, with the typed model its bodies must decode into and its validation, and
/// lookups by URL segments or by apiVersion + kind.
/// </summary>
internal static class ResourceCatalog
{
    public static readonly ResourceType Namespaces = new("", "v1", "namespaces", "Namespace", Namespaced: false, HasStatus: true, ResourceVerbs.All)
    {
        Schema = ResourceSchema.Typed<V1Namespace>(),
    };

    public static readonly ResourceType TokenReviews = new("authentication.k8s.io", "v1", "tokenreviews", "TokenReview", Namespaced: false, HasStatus: false, ResourceVerbs.Create)
    {
        Schema = ResourceSchema.Typed<V1TokenReview>(),
    };

    public static readonly ResourceType Deployments = new("apps", "v1", "deployments", "Deployment", Namespaced: true, HasStatus: true, ResourceVerbs.All)
    {
        Schema = ResourceSchema.Typed<V1Deployment>(KindValidation.Deployment),
    };

    public static readonly ResourceType Jobs = new("batch", "v1", "jobs", "Job", Namespaced: true, HasStatus: true, ResourceVerbs.All)
    {
        Schema = ResourceSchema.Typed<V1Job>(KindValidation.Job),
    };

    public static readonly ResourceType PriorityClasses = new("scheduling.k8s.io", "v1", "priorityclasses", "PriorityClass", Namespaced: false, HasStatus: false, ResourceVerbs.All)
    {
        Schema = ResourceSchema.Typed<V1PriorityClass>(KindValidation.PriorityClass),
    };

    public static readonly ResourceType RuntimeClasses = new("node.k8s.io", "v1", "runtimeclasses", "RuntimeClass", Namespaced: false, HasStatus: false, ResourceVerbs.All)
    {
        Schema = ResourceSchema.Typed<V1RuntimeClass>(KindValidation.RuntimeClass),
    };

    public static readonly IReadOnlyList<ResourceType> All =
    [
        Namespaces,
        new("", "v1", "nodes", "Node", Namespaced: false, HasStatus: true, ResourceVerbs.All) { Schema = ResourceSchema.Typed<V1Node>() },
        new("", "v1", "pods", "Pod", Namespaced: true, HasStatus: true, ResourceVerbs.ReadOnly) { Schema = ResourceSchema.Typed<V1Pod>() },
        new("", "v1", "services", "Service", Namespaced: true, HasStatus: true, ResourceVerbs.All) { Schema = ResourceSchema.Typed<V1Service>(KindValidation.Service) },
        new("", "v1", "resourcequotas", "ResourceQuota", Namespaced: true, HasStatus: true, ResourceVerbs.All) { Schema = ResourceSchema.Typed<V1ResourceQuota>() },
        new("", "v1", "limitranges", "LimitRange", Namespaced: true, HasStatus: false, ResourceVerbs.All) { Schema = ResourceSchema.Typed<V1LimitRange>() },
        new("", "v1", "serviceaccounts", "ServiceAccount", Namespaced: true, HasStatus: false, ResourceVerbs.All) { Schema = ResourceSchema.Typed<V1ServiceAccount>() },
        new("", "v1", "configmaps", "ConfigMap", Namespaced: true, HasStatus: false, ResourceVerbs.All) { Schema = ResourceSchema.Typed<V1ConfigMap>() },
        new("", "v1", "secrets", "Secret", Namespaced: true, HasStatus: false, ResourceVerbs.All) { Schema = ResourceSchema.Typed<V1Secret>() },
        Deployments,
        Jobs,
        new("autoscaling", "v2", "horizontalpodautoscalers", "HorizontalPodAutoscaler", Namespaced: true, HasStatus: true, ResourceVerbs.All)
        {
            Schema = ResourceSchema.Typed<V2HorizontalPodAutoscaler>(KindValidation.HorizontalPodAutoscaler),
        },
        new("networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy", Namespaced: true, HasStatus: false, ResourceVerbs.All) { Schema = ResourceSchema.Typed<V1NetworkPolicy>() },
        new("rbac.authorization.k8s.io", "v1", "roles", "Role", Namespaced: true, HasStatus: false, ResourceVerbs.All) { Schema = ResourceSchema.Typed<V1Role>() },
        new("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", Namespaced: true, HasStatus: false, ResourceVerbs.All) { Schema = ResourceSchema.Typed<V1RoleBinding>() },
        PriorityClasses,
        RuntimeClasses,
        TokenReviews,
        CustomResources.PrometheusRules,
        CustomResources.HttpRoutes,
    ];

    public static ResourceType? FindByPlural(string group, string version, string plural) =>
        All.FirstOrDefault(t => t.Group == group && t.Version == version && t.Plural == plural);

    /// <summary>Finds a type by apiVersion and either its kind ("Deployment") or its plural ("deployments").</summary>
    private static ResourceType? Find(string apiVersion, string kindOrPlural) =>
        All.FirstOrDefault(t => t.ApiVersion == apiVersion && (t.Kind == kindOrPlural || t.Plural == kindOrPlural));

    public static ResourceType Require(string apiVersion, string kindOrPlural) =>
        Find(apiVersion, kindOrPlural)
        ?? throw new ArgumentException($"The emulator does not serve {kindOrPlural} in {apiVersion}.", nameof(kindOrPlural));

    /// <summary>Served group versions, core ("v1") first, in the order discovery lists them.</summary>
    public static IEnumerable<(string Group, string Version)> GroupVersions =>
        All.Select(t => (t.Group, t.Version)).Distinct();
}
