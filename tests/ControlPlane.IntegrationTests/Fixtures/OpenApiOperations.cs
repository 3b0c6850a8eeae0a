using System.Text.Json.Nodes;

namespace ControlPlane.IntegrationTests.Fixtures;

/// <summary>One operation of the served OpenAPI document, with its parameters and request body schema resolved.</summary>
public sealed record OpenApiOperation(string Method, string Path, IReadOnlyList<OpenApiParameter> Parameters, OpenApiSchema? Body)
{
    public override string ToString() => $"{Method} {Path}";
}

public sealed record OpenApiParameter(string Name, string In, bool Required, OpenApiSchema Schema);

/// <summary>The shape of a value as the document describes it; $ref, nullable type arrays and oneOf-with-null are resolved.</summary>
public sealed record OpenApiSchema(SchemaKind Kind, IReadOnlyList<string> Enum, IReadOnlyDictionary<string, OpenApiSchema> Properties,
    OpenApiSchema? Items);

public enum SchemaKind { Any, String, DateTime, Integer, Number, Boolean, Array, Map, Object }

/// <summary>Reads every operation of the service's OpenAPI 3.1 document (as served, so routes added later appear here by themselves).</summary>
public static class OpenApiOperations
{
    private static readonly string[] Methods = ["get", "post", "put", "patch", "delete"];

    public static IReadOnlyList<OpenApiOperation> Parse(JsonNode document)
    {
        var schemas = document["components"]?["schemas"]?.AsObject() ?? new JsonObject();
        var operations = new List<OpenApiOperation>();
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var method in Methods)
            {
                if (item![method] is not JsonObject operation)
                {
                    continue;
                }

                var parameters = (operation["parameters"]?.AsArray() ?? []).Select(p => new OpenApiParameter(
                    (string)p!["name"]!, (string)p["in"]!, (bool?)p["required"] ?? false, Resolve(p["schema"], schemas, []))).ToList();
                var body = operation["requestBody"]?["content"]?["application/json"]?["schema"];
                operations.Add(new OpenApiOperation(method.ToUpperInvariant(), path, parameters, body is null ? null : Resolve(body, schemas, [])));
            }
        }

        return operations;
    }

    /// <param name="enclosing">The references being resolved around this node: one met again is a recursive schema, whose
    /// inner occurrence is left open (any value) — every depth of a finite schema is resolved.</param>
    private static OpenApiSchema Resolve(JsonNode? node, JsonObject schemas, IReadOnlyList<string> enclosing)
    {
        if (node is not JsonObject schema)
        {
            return new OpenApiSchema(SchemaKind.Any, [], new Dictionary<string, OpenApiSchema>(), null);
        }

        if ((string?)schema["$ref"] is { } reference)
        {
            var name = reference[(reference.LastIndexOf('/') + 1)..];
            return enclosing.Contains(name)
                ? Resolve(null, schemas, enclosing)
                : Resolve(schemas[name], schemas, [.. enclosing, name]);
        }

        if ((schema["oneOf"] ?? schema["anyOf"]) is JsonArray options)
        {
            // Nullable references are written as oneOf [{type: null}, {$ref}]: the non-null alternative is the shape.
            return Resolve(options.FirstOrDefault(o => (string?)o?["type"] != "null"), schemas, enclosing);
        }

        var types = schema["type"] switch
        {
            JsonArray array => array.Select(t => (string)t!).ToHashSet(),
            JsonValue value => [(string)value!],
            _ => new HashSet<string>(),
        };
        var enumValues = (schema["enum"]?.AsArray() ?? []).Where(v => v is not null).Select(v => v!.ToString()).ToList();
        var properties = (schema["properties"]?.AsObject() ?? new JsonObject())
            .ToDictionary(p => p.Key, p => Resolve(p.Value, schemas, enclosing));
        var kind = types switch
        {
            _ when types.Contains("array") => SchemaKind.Array,
            _ when types.Contains("object") && schema["additionalProperties"] is JsonObject => SchemaKind.Map,
            _ when types.Contains("object") || properties.Count > 0 => SchemaKind.Object,
            _ when types.Contains("integer") => SchemaKind.Integer,
            _ when types.Contains("number") => SchemaKind.Number,
            _ when types.Contains("boolean") => SchemaKind.Boolean,
            _ when types.Contains("string") && (string?)schema["format"] == "date-time" => SchemaKind.DateTime,
            _ when types.Contains("string") || enumValues.Count > 0 => SchemaKind.String,
            _ => SchemaKind.Any,
        };
        var items = kind switch
        {
            SchemaKind.Array => Resolve(schema["items"], schemas, enclosing),
            SchemaKind.Map => Resolve(schema["additionalProperties"], schemas, enclosing),
            _ => null,
        };
        return new OpenApiSchema(kind, enumValues, properties, items);
    }
}
