using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ControlPlane.Client;

namespace ControlPlane.Cli.Documents;

/// <summary>One declarative document: <c>kind</c>, <c>metadata: {tenant, name}</c>, <c>spec</c>.</summary>
internal sealed record ResourceDocument(string Kind, string? Tenant, string Name, JsonObject Spec, string Source)
{
    public static ResourceDocument From(JsonNode? node, string source)
    {
        if (node is not JsonObject root)
        {
            throw new UsageException($"{source}: a document is a mapping with kind, metadata and spec.");
        }

        var kind = (root["kind"] as JsonValue)?.ToString() ?? throw new UsageException($"{source}: kind is missing.");
        var metadata = root["metadata"] as JsonObject ?? throw new UsageException($"{source}: metadata is missing.");
        var name = (metadata["name"] as JsonValue)?.ToString() ?? throw new UsageException($"{source}: metadata.name is missing.");
        var spec = root["spec"] as JsonObject ?? throw new UsageException($"{source}: spec is missing.");
        return new ResourceDocument(kind, (metadata["tenant"] as JsonValue)?.ToString(), name, spec, source);
    }

    /// <summary>
    /// The Idempotency-Key of a create: derived from the document's content, so re-running a pipeline step (or retrying
    /// after a lost response) repeats the same request, and a changed document is a new one.
    /// </summary>
    public string IdempotencyKey(string tenant)
    {
        var canonical = $"{Kind}\n{tenant}\n{Name}\n{Spec.ToJsonString()}";
        return "apply-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))[..40];
    }

    /// <summary>The spec as the generated request type; a field the API does not know is a usage error, not silently dropped.</summary>
    public T SpecAs<T>()
        where T : class
    {
        T? request;
        try
        {
            request = Spec.Deserialize<T>(WireJson.Options);
        }
        catch (JsonException e)
        {
            throw new UsageException($"{Source}: {Kind} {Name}: spec{e.Path?.TrimStart('$')}: {e.Message}");
        }

        if (request is null)
        {
            throw new UsageException($"{Source}: {Kind} {Name}: spec is empty.");
        }

        var unknown = UnknownFields(request, "spec").ToList();
        return unknown.Count == 0 ? request
            : throw new UsageException($"{Source}: {Kind} {Name}: fields the API does not know: {string.Join(", ", unknown)}.");
    }

    /// <summary>
    /// The generated types keep members the document does not declare in AdditionalProperties (JSON extension data)
    /// instead of failing: a typo there would silently change nothing, so every level is searched for them.
    /// </summary>
    private static IEnumerable<string> UnknownFields(object? value, string path)
    {
        if (value is null || value.GetType().Assembly != typeof(ControlPlaneClient).Assembly)
        {
            yield break;
        }

        foreach (var property in value.GetType().GetProperties())
        {
            var member = property.GetValue(value);
            if (property.Name == "AdditionalProperties" && member is IDictionary<string, object> extra)
            {
                foreach (var key in extra.Keys)
                {
                    yield return $"{path}.{key}";
                }
            }
            else if (member is System.Collections.IEnumerable items and not string)
            {
                foreach (var item in items)
                {
                    foreach (var field in UnknownFields(item, $"{path}.{JsonNamingPolicy.CamelCase.ConvertName(property.Name)}[]"))
                    {
                        yield return field;
                    }
                }
            }
            else
            {
                foreach (var field in UnknownFields(member, $"{path}.{JsonNamingPolicy.CamelCase.ConvertName(property.Name)}"))
                {
                    yield return field;
                }
            }
        }
    }
}
