using System.Text.Json.Nodes;

namespace ControlPlane.KubernetesEmulator.Storage;

/// <summary>The metadata fields only the server sets; what a client sends for them on create or apply is ignored.</summary>
internal static class ServerOwnedMetadata
{
    private static readonly string[] Fields = ["uid", "resourceVersion", "creationTimestamp", "generation", "managedFields"];

    public static void RemoveFrom(JsonObject obj)
    {
        if (obj["metadata"] is JsonObject metadata)
        {
            foreach (var field in Fields)
            {
                metadata.Remove(field);
            }
        }
    }
}
