using ControlPlane.KubernetesEmulator.Schemas;

namespace ControlPlane.KubernetesEmulator.Resources;

/// <summary>One served resource type, e.g. apps/v1 deployments. Adding a kind is one catalog entry (with its schema).</summary>
/// <param name="HasStatus">
/// True when the type has a status subresource: writes to the main resource then leave status alone,
/// as the real API server does.
/// </param>
internal sealed record ResourceType(
    string Group,
    string Version,
    string Plural,
    string Kind,
    bool Namespaced,
    bool HasStatus,
    ResourceVerbs Verbs)
{
    /// <summary>How bodies of this kind are decoded and validated; schemaless unless the catalog gives one.</summary>
    public ResourceSchema Schema { get; init; } = ResourceSchema.Schemaless;

    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>The resource as the real API names it in messages: "deployments.apps", "configmaps".</summary>
    public string QualifiedResource => Group.Length == 0 ? Plural : $"{Plural}.{Group}";

    /// <summary>The kind as the real API names it in validation messages: "Deployment.apps".</summary>
    public string QualifiedKind => Group.Length == 0 ? Kind : $"{Kind}.{Group}";

    public string Singular => Kind.ToLowerInvariant();

    public bool Serves(ResourceVerbs verb) => (Verbs & verb) == verb;
}
