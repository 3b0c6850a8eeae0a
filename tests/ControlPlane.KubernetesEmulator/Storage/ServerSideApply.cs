using System.Text.Json.Nodes;
using ControlPlane.KubernetesEmulator.Http;
using ControlPlane.KubernetesEmulator.Resources;

namespace ControlPlane.KubernetesEmulator.Storage;

/// <summary>
/// Server-side apply, simplified: the applied configuration is merged into the live object, the
/// manager's owned fields are recorded in <c>managedFields</c>, fields the manager applied before but
/// no longer applies are removed (unless another manager owns them), and changing a field another
/// manager owns is a 409 conflict unless <c>force</c> is set, which transfers ownership.
/// </summary>
internal static class ServerSideApply
{
    public static JsonObject Apply(ResourceType type, JsonObject? live, JsonObject applied, string manager, bool force)
    {
        var config = WithoutServerOwnedFields(type, applied);
        var result = live?.DeepClone().AsObject() ?? new JsonObject { ["metadata"] = new JsonObject() };
        var entries = ManagedFieldsEntry.ReadAll(result);
        var ownIndex = entries.FindIndex(e => e.Manager == manager && e.Operation == ManagedFieldsEntry.ApplyOperation);
        var previouslyOwned = ownIndex >= 0 ? entries[ownIndex].Fields : null;
        var appliedFields = FieldSet.FromObject(config);

        var conflicts = FindConflicts(entries, ownIndex, appliedFields, result, config);
        if (conflicts.Count > 0 && !force)
        {
            throw ConflictError(type, (string?)config["metadata"]?["name"] ?? "", conflicts);
        }

        for (var i = 0; i < entries.Count; i++)
        {
            var lost = conflicts.Where(c => c.Entry == i).Select(c => c.Path).ToList();
            entries[i] = entries[i] with { Fields = entries[i].Fields.Without(p => lost.Any(l => FieldSet.PathsOverlap(p, l))) };
        }

        JsonMerge.MergeInto(result, config);
        RemoveAbandonedFields(result, previouslyOwned, appliedFields, entries.Where((_, i) => i != ownIndex));

        var own = new ManagedFieldsEntry(manager, ManagedFieldsEntry.ApplyOperation, type.ApiVersion, ManagedFieldsEntry.Now(), appliedFields);
        if (ownIndex >= 0)
        {
            entries[ownIndex] = own;
        }
        else
        {
            entries.Add(own);
        }

        ManagedFieldsEntry.WriteAll(result, entries);
        return result;
    }

    /// <summary>Fields the server sets are not part of anyone's intent; status belongs to the status subresource.</summary>
    private static JsonObject WithoutServerOwnedFields(ResourceType type, JsonObject applied)
    {
        var config = applied.DeepClone().AsObject();
        ServerOwnedMetadata.RemoveFrom(config);
        if (type.HasStatus)
        {
            config.Remove("status");
        }

        return config;
    }

    private static List<(int Entry, string Manager, string[] Path)> FindConflicts(
        List<ManagedFieldsEntry> entries, int ownIndex, FieldSet appliedFields, JsonObject live, JsonObject config)
    {
        var conflicts = new List<(int, string, string[])>();
        for (var i = 0; i < entries.Count; i++)
        {
            if (i == ownIndex)
            {
                continue;
            }

            foreach (var path in appliedFields.Paths)
            {
                if (entries[i].Fields.Overlaps(path) && !JsonNode.DeepEquals(FieldSet.ValueAt(live, path), FieldSet.ValueAt(config, path)))
                {
                    conflicts.Add((i, entries[i].Manager, path));
                }
            }
        }

        return conflicts;
    }

    private static void RemoveAbandonedFields(
        JsonObject result, FieldSet? previouslyOwned, FieldSet appliedFields, IEnumerable<ManagedFieldsEntry> others)
    {
        if (previouslyOwned is null)
        {
            return;
        }

        var otherOwners = others.ToList();
        foreach (var path in previouslyOwned.Paths)
        {
            if (!appliedFields.Overlaps(path) && !otherOwners.Any(o => o.Fields.Overlaps(path)))
            {
                FieldSet.RemoveAt(result, path);
            }
        }
    }

    private static ApiException ConflictError(ResourceType type, string name, List<(int Entry, string Manager, string[] Path)> conflicts)
    {
        // The message and causes mirror the real API server's, so callers that log or parse them behave the same.
        var message = $"Apply failed with {conflicts.Count} conflict{(conflicts.Count == 1 ? "" : "s")}: "
            + string.Join("; ", conflicts.Select(c => $"conflict with \"{c.Manager}\": {FieldSet.Describe(c.Path)}"));
        var causes = new JsonArray(conflicts.Select(c => (JsonNode)new JsonObject
        {
            ["reason"] = "FieldManagerConflict",
            ["message"] = $"conflict with \"{c.Manager}\"",
            ["field"] = FieldSet.Describe(c.Path),
        }).ToArray());
        return new ApiException(409, "Conflict", message, new JsonObject { ["name"] = name, ["group"] = type.Group, ["kind"] = type.Plural, ["causes"] = causes });
    }
}
