using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace ControlPlane.KubernetesEmulator.Http;

/// <summary>The labelSelector and fieldSelector of a list or watch request.</summary>
internal sealed record ListFilter(Selector Labels, Selector Fields)
{
    private static readonly string[] SupportedFields = ["metadata.name", "metadata.namespace"];

    public static ListFilter FromQuery(IQueryCollection query)
    {
        var fields = Selector.Parse(query["fieldSelector"], "fieldSelector");
        var unsupported = ((string?)query["fieldSelector"] ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(term => term.Split('=', '!')[0].Trim())
            .FirstOrDefault(field => !SupportedFields.Contains(field));
        if (unsupported is not null)
        {
            throw ApiException.BadRequest($"field label not supported: {unsupported}");
        }

        return new ListFilter(Selector.Parse(query["labelSelector"], "labelSelector"), fields);
    }

    public bool Matches(JsonObject obj)
    {
        var metadata = obj["metadata"] as JsonObject;
        var labels = (metadata?["labels"] as JsonObject ?? [])
            .ToDictionary(p => p.Key, p => p.Value?.ToString() ?? "", StringComparer.Ordinal);
        var fields = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["metadata.name"] = (string?)metadata?["name"] ?? "",
            ["metadata.namespace"] = (string?)metadata?["namespace"] ?? "",
        };
        return Labels.Matches(labels) && Fields.Matches(fields);
    }
}
