using System.Text.Json.Nodes;

namespace ControlPlane.KubernetesEmulator.Schemas;

/// <summary>Reads a dotted field path (<c>spec.template.spec</c>) out of an object; null when any step is missing.</summary>
internal static class JsonPaths
{
    public static JsonNode? At(JsonNode? node, string path)
    {
        foreach (var step in path.Split('.'))
        {
            node = node is JsonObject obj ? obj[step] : null;
        }

        return node;
    }

    public static IEnumerable<(int Index, JsonObject Item)> Items(JsonNode? node, string path) =>
        (At(node, path) as JsonArray ?? []).Select((item, i) => (i, item as JsonObject ?? [])).ToList();

    public static IReadOnlyDictionary<string, string> StringMap(JsonNode? node) =>
        (node as JsonObject ?? []).ToDictionary(p => p.Key, p => p.Value?.ToString() ?? "", StringComparer.Ordinal);
}
