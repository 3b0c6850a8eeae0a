using System.Globalization;
using System.Text.Json.Nodes;

namespace ControlPlane.KubernetesEmulator.Storage;

/// <summary>One <c>metadata.managedFields</c> entry: which manager owns which fields, and through which operation.</summary>
internal sealed record ManagedFieldsEntry(string Manager, string Operation, string ApiVersion, string Time, FieldSet Fields)
{
    public const string ApplyOperation = "Apply";

    public static List<ManagedFieldsEntry> ReadAll(JsonObject obj)
    {
        if (obj["metadata"]?["managedFields"] is not JsonArray entries)
        {
            return [];
        }

        return entries.OfType<JsonObject>().Select(e => new ManagedFieldsEntry(
            (string?)e["manager"] ?? "",
            (string?)e["operation"] ?? "",
            (string?)e["apiVersion"] ?? "",
            (string?)e["time"] ?? "",
            FieldSet.FromFieldsV1(e["fieldsV1"] as JsonObject ?? []))).ToList();
    }

    public static void WriteAll(JsonObject obj, IEnumerable<ManagedFieldsEntry> entries)
    {
        var array = new JsonArray(entries.Where(e => !e.Fields.IsEmpty).Select(e => (JsonNode)e.ToJson()).ToArray());
        var metadata = (JsonObject)obj["metadata"]!;
        if (array.Count == 0)
        {
            metadata.Remove("managedFields");
        }
        else
        {
            metadata["managedFields"] = array;
        }
    }

    public static string Now() => DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private JsonObject ToJson() => new()
    {
        ["manager"] = Manager,
        ["operation"] = Operation,
        ["apiVersion"] = ApiVersion,
        ["time"] = Time,
        ["fieldsType"] = "FieldsV1",
        ["fieldsV1"] = Fields.ToFieldsV1(),
    };
}
