using System.Text.Json.Nodes;

namespace ControlPlane.KubernetesEmulator.Storage;

/// <summary>
/// RFC 7386 JSON merge patch: objects merge recursively, a null removes the member, anything else
/// (scalars and lists) replaces. Also used for server-side apply, where lists are replaced whole
/// rather than merged by key — a documented simplification of the emulator.
/// </summary>
internal static class JsonMerge
{
    public static void MergeInto(JsonObject target, JsonObject patch)
    {
        foreach (var (name, value) in patch)
        {
            if (value is null)
            {
                target.Remove(name);
            }
            else if (value is JsonObject patchChild && target[name] is JsonObject targetChild)
            {
                MergeInto(targetChild, patchChild);
            }
            else if (value is JsonObject newChild)
            {
                // A new object is merged into an empty one so nulls inside it are dropped, as the RFC says.
                var created = new JsonObject();
                MergeInto(created, newChild);
                target[name] = created;
            }
            else
            {
                target[name] = value.DeepClone();
            }
        }
    }
}
