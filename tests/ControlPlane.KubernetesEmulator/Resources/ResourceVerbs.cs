namespace ControlPlane.KubernetesEmulator.Resources;

/// <summary>The verbs a resource type serves; also advertised through discovery.</summary>
[Flags]
internal enum ResourceVerbs
{
    None = 0,
    Get = 1,
    List = 2,
    Watch = 4,
    Create = 8,
    Update = 16,
    Patch = 32,
    Delete = 64,
    ReadOnly = Get | List | Watch,
    All = ReadOnly | Create | Update | Patch | Delete,
}
