using ControlPlane.KubernetesEmulator.Resources;

namespace ControlPlane.KubernetesEmulator.Storage;

/// <summary>Identifies one stored object; <see cref="Namespace"/> is empty for cluster-scoped types.</summary>
internal readonly record struct ObjectKey(ResourceType Type, string Namespace, string Name)
{
    public static ObjectKey For(ResourceType type, string? ns, string name) =>
        new(type, type.Namespaced ? ns ?? "" : "", name);
}
