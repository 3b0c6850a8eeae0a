using ControlPlane.KubernetesEmulator.Resources;
using ControlPlane.KubernetesEmulator.Storage;

namespace ControlPlane.KubernetesEmulator.Http;

/// <summary>
/// A request path resolved the way the real API server resolves it:
/// <c>/api/v1[/namespaces/{ns}]/{plural}[/{name}[/{subresource}]]</c> and the same under <c>/apis/{group}/{version}</c>.
/// </summary>
internal sealed record ResourceRequest(ResourceType Type, string? Namespace, string? Name, string? Subresource)
{
    public ObjectKey Key => ObjectKey.For(Type, Namespace, Name ?? "");

    /// <param name="segments">The path segments after the group version.</param>
    public static ResourceRequest? Parse(string group, string version, string[] segments)
    {
        string? ns = null;
        var rest = segments;
        if (segments is ["namespaces", var namespaceName, var plural, ..]
            && ResourceCatalog.FindByPlural(group, version, plural) is { Namespaced: true })
        {
            ns = namespaceName;
            rest = segments[2..];
        }

        if (rest.Length is 0 or > 3 || ResourceCatalog.FindByPlural(group, version, rest[0]) is not { } type)
        {
            return null;
        }

        var name = rest.Length > 1 ? rest[1] : null;
        var misplaced = type.Namespaced ? ns is null && name is not null : ns is not null;
        return misplaced ? null : new ResourceRequest(type, ns, name, rest.Length > 2 ? rest[2] : null);
    }
}
