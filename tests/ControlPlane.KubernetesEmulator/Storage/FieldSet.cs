using System.Text.Json.Nodes;

namespace ControlPlane.KubernetesEmulator.Storage;

/// <summary>
/// The leaf fields a field manager owns, convertible to and from the <c>FieldsV1</c> form stored in
/// <c>metadata.managedFields</c>. Lists and empty objects are leaves: lists are owned atomically,
/// a simplification of the real per-key list ownership.
/// </summary>
internal sealed class FieldSet
{
    private const string FieldPrefix = "f:";

    private readonly List<string[]> _paths;

    private FieldSet(List<string[]> paths) => _paths = paths;

    public IReadOnlyList<string[]> Paths => _paths;

    public bool IsEmpty => _paths.Count == 0;

    /// <summary>The leaves of an applied configuration, without the fields that only identify the object.</summary>
    public static FieldSet FromObject(JsonObject applied)
    {
        var paths = new List<string[]>();
        CollectLeaves(applied, [], paths);
        paths.RemoveAll(IsIdentityField);
        return new FieldSet(paths);
    }

    public static FieldSet FromFieldsV1(JsonObject fieldsV1)
    {
        var paths = new List<string[]>();
        CollectFieldsV1Leaves(fieldsV1, [], paths);
        return new FieldSet(paths);
    }

    public JsonObject ToFieldsV1()
    {
        var root = new JsonObject();
        foreach (var path in _paths)
        {
            var node = root;
            foreach (var segment in path)
            {
                var key = FieldPrefix + segment;
                if (node[key] is not JsonObject child)
                {
                    child = new JsonObject();
                    node[key] = child;
                }

                node = child;
            }
        }

        return root;
    }

    /// <summary>True when a path owned here is the given path, lies inside it, or contains it.</summary>
    public bool Overlaps(string[] path) => _paths.Any(p => PathsOverlap(p, path));

    public static bool PathsOverlap(string[] a, string[] b) => IsPrefix(a, b) || IsPrefix(b, a);

    public FieldSet Without(Func<string[], bool> remove) => new(_paths.Where(p => !remove(p)).ToList());

    public static JsonNode? ValueAt(JsonObject root, string[] path)
    {
        JsonNode? node = root;
        foreach (var segment in path)
        {
            node = node is JsonObject obj ? obj[segment] : null;
        }

        return node;
    }

    public static void RemoveAt(JsonObject root, string[] path)
    {
        if (ValueAt(root, path[..^1]) is JsonObject parent)
        {
            parent.Remove(path[^1]);
        }
    }

    public static string Describe(string[] path) => "." + string.Join('.', path);

    private static bool IsPrefix(string[] prefix, string[] path) =>
        prefix.Length <= path.Length && prefix.SequenceEqual(path[..prefix.Length]);

    private static bool IsIdentityField(string[] path) => path switch
    {
        ["apiVersion"] or ["kind"] => true,
        ["metadata", "name" or "namespace"] => true,
        _ => false,
    };

    private static void CollectLeaves(JsonObject obj, string[] prefix, List<string[]> paths)
    {
        foreach (var (name, value) in obj)
        {
            string[] path = [.. prefix, name];
            if (value is JsonObject child && child.Count > 0)
            {
                CollectLeaves(child, path, paths);
            }
            else
            {
                paths.Add(path);
            }
        }
    }

    private static void CollectFieldsV1Leaves(JsonObject node, string[] prefix, List<string[]> paths)
    {
        foreach (var (key, value) in node)
        {
            if (!key.StartsWith(FieldPrefix, StringComparison.Ordinal))
            {
                continue;
            }

            string[] path = [.. prefix, key[FieldPrefix.Length..]];
            if (value is JsonObject child && child.Count > 0)
            {
                CollectFieldsV1Leaves(child, path, paths);
            }
            else
            {
                paths.Add(path);
            }
        }
    }
}
