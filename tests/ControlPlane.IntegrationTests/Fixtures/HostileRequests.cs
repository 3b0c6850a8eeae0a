using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace ControlPlane.IntegrationTests.Fixtures;

/// <summary>A request built from an operation's schema with exactly one value made hostile.</summary>
public sealed record HostileRequest(OpenApiOperation Operation, string Target, string Mutation, string Url, byte[]? Body, bool MayBeAccepted)
{
    public override string ToString() => $"{Operation} with {Target} = {Mutation} ({Url})";
}

/// <summary>
/// Builds, for an operation of the OpenAPI document, a valid-looking request from its schema (values a user would send,
/// so requests reach deep validation), then one request per (field, hostile value): every string gets NUL, control
/// characters, 1 MB and invalid UTF-8; every number −1, 0, 2^63, 1e308 and a fraction; every map and array a null item and
/// 10,000 entries; every date year 1 and 9999; every object a member its schema does not have; every path parameter %00, ..
/// and 300 characters; query parameters likewise.
/// </summary>
public sealed class HostileRequests(IReadOnlyDictionary<string, string> pathSamples, IReadOnlyDictionary<string, JsonNode?> valueSamples)
{
    /// <summary>Stands for raw invalid UTF-8 bytes in the serialized body (JSON text cannot carry them).</summary>
    private const string InvalidUtf8Marker = "@@invalid-utf8@@";
    private static readonly byte[] InvalidUtf8 = [0xC3, 0x28, 0xFF, 0xFE];
    private static readonly string OneMegabyte = new('a', 1 << 20);

    /// <summary>The mutation that adds a member no schema has to one object of the body (a typo'd field): a 400 naming it.</summary>
    public const string UnknownMemberMutation = "unknown member";

    public const string UnknownMember = "zzUnknownMember";

    /// <summary>
    /// Values a field may legitimately accept, so they are checked for 5xx and problem bodies only: 0 and a fraction; 2^63 in a
    /// decimal field (representable; each field bounds it by its documented maximum); and a path parameter "..", which every
    /// HTTP client and Kestrel remove together with the segment before it, so it addresses the parent path, a valid route.
    /// </summary>
    private static bool MayBeAccepted(string label, OpenApiSchema? schema) =>
        label is "0" or "0.5" or ".." || (label == "2^63" && schema?.Kind != SchemaKind.Integer);

    public IEnumerable<HostileRequest> For(OpenApiOperation operation)
    {
        var body = operation.Body is null ? null : Sample(operation.Body, "");
        var baseQuery = operation.Parameters.Where(p => p.In == "query" && p.Required)
            .ToDictionary(p => p.Name, p => QueryValue(p.Name, p.Schema));

        foreach (var parameter in operation.Parameters.Where(p => p.In == "path"))
        {
            foreach (var (label, value) in new[] { ("%00", "\0"), ("%01", "\u0001"), ("..", ".."), ("300 characters", new string('a', 300)) })
            {
                yield return new HostileRequest(operation, "path " + parameter.Name, label,
                    Url(operation, baseQuery, (parameter.Name, value)), Serialize(body), MayBeAccepted(label, null));
            }
        }

        foreach (var parameter in operation.Parameters.Where(p => p.In == "query"))
        {
            foreach (var (label, value) in QueryMutations(parameter.Schema))
            {
                var query = new Dictionary<string, string>(baseQuery) { [parameter.Name] = value };
                yield return new HostileRequest(operation, "query " + parameter.Name, label, Url(operation, query, null), Serialize(body),
                    MayBeAccepted: true);
            }
        }

        if (body is null || operation.Body is null)
        {
            yield break;
        }

        foreach (var (path, schema) in Fields(operation.Body, []))
        {
            foreach (var (label, value) in BodyMutations(schema))
            {
                var mutated = body.DeepClone();
                if (!TrySet(mutated, path, value))
                {
                    continue;
                }

                yield return new HostileRequest(operation, "body " + Describe(path), label, Url(operation, baseQuery, null), Serialize(mutated),
                    MayBeAccepted(label, schema));
            }
        }

        // Every object of the body with declared members (the body itself, nested objects, items of arrays) gets one more.
        var objects = Fields(operation.Body, []).Prepend(([], operation.Body)).Where(f => f.Schema is { Kind: SchemaKind.Object, Properties.Count: > 0 });
        foreach (var (path, _) in objects)
        {
            var mutated = body.DeepClone();
            if (TrySet(mutated, [.. path, UnknownMember], 1))
            {
                yield return new HostileRequest(operation, "body " + Describe([.. path, UnknownMember]), UnknownMemberMutation,
                    Url(operation, baseQuery, null), Serialize(mutated), MayBeAccepted: false);
            }
        }
    }

    private IEnumerable<(string Label, JsonNode? Value)> BodyMutations(OpenApiSchema schema) => schema.Kind switch
    {
        SchemaKind.String =>
        [
            ("NUL", "a\0b"), ("control characters", "a\u0001\u001b[31mb\u007f"), ("1 MB", OneMegabyte), ("invalid UTF-8", InvalidUtf8Marker),
        ],
        SchemaKind.DateTime => [("year 1", "0001-01-01T00:00:00Z"), ("year 9999", "9999-12-31T23:59:59Z"), ("NUL", "2026-01-01\0")],
        SchemaKind.Integer or SchemaKind.Number or SchemaKind.Any =>
        [
            ("-1", -1), ("0", 0), ("2^63", JsonNode.Parse("9223372036854775808")), ("1e308", JsonNode.Parse("1e308")), ("0.5", 0.5m),
        ],
        SchemaKind.Array => [("[null]", new JsonArray((JsonNode?)null)), ("10,000 entries", Repeat(schema.Items!))],
        SchemaKind.Map => [("{\"a\": null}", new JsonObject { ["a"] = null }), ("10,000 entries", RepeatMap(schema.Items!))],
        _ => [],
    };

    private static IEnumerable<(string Label, string Value)> QueryMutations(OpenApiSchema schema) => schema.Kind switch
    {
        SchemaKind.Integer or SchemaKind.Number => [("-1", "-1"), ("0", "0"), ("2^63", "9223372036854775808"), ("1e308", "1e308"), ("0.5", "0.5")],
        SchemaKind.DateTime => [("year 1", "0001-01-01T00:00:00Z"), ("year 9999", "9999-12-31T23:59:59Z"), ("NUL", "2026-01-01\0")],
        _ => [("NUL", "a\0b"), ("control characters", "a\u0001b"), ("300 characters", new string('a', 300)), ("..", "..")],
    };

    /// <summary>Every mutable location of the body: properties, the first item of arrays, one entry of maps (recursively).</summary>
    private static IEnumerable<(IReadOnlyList<object> Path, OpenApiSchema Schema)> Fields(OpenApiSchema schema, IReadOnlyList<object> path)
    {
        if (path.Count > 0)
        {
            yield return (path, schema);
        }

        IEnumerable<(object Segment, OpenApiSchema Schema)> children = schema.Kind switch
        {
            SchemaKind.Object => schema.Properties.Select(p => ((object)p.Key, p.Value)),
            SchemaKind.Array => [((object)0, schema.Items!)],
            SchemaKind.Map => [((object)"k", schema.Items!)],
            _ => [],
        };
        foreach (var (segment, child) in children)
        {
            foreach (var field in Fields(child, [.. path, segment]))
            {
                yield return field;
            }
        }
    }

    private JsonNode? Sample(OpenApiSchema schema, string name)
    {
        if (valueSamples.TryGetValue(name, out var sample))
        {
            return sample?.DeepClone();
        }

        var leaf = name[(name.LastIndexOf('.') + 1)..];
        if (valueSamples.TryGetValue(leaf, out sample))
        {
            return sample?.DeepClone();
        }

        return schema.Kind switch
        {
            SchemaKind.Object => new JsonObject(schema.Properties
                .Select(p => KeyValuePair.Create(p.Key, Sample(p.Value, leaf.Length == 0 ? p.Key : leaf + "." + p.Key)))),
            SchemaKind.Array => new JsonArray(Sample(schema.Items!, leaf + "[]")),
            SchemaKind.Map => new JsonObject { ["k"] = Sample(schema.Items!, leaf + "{}") },
            SchemaKind.String when schema.Enum.Count > 0 => schema.Enum[0],
            SchemaKind.String => "x",
            SchemaKind.DateTime => NextHour(),
            SchemaKind.Boolean => true,
            _ => 1,
        };
    }

    private string QueryValue(string name, OpenApiSchema schema) =>
        valueSamples.TryGetValue("?" + name, out var sample) ? sample!.ToString() : Sample(schema, name)!.ToString();

    private static string NextHour()
    {
        var now = DateTimeOffset.UtcNow;
        return new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero).AddHours(1).ToString("O", CultureInfo.InvariantCulture);
    }

    private JsonNode Repeat(OpenApiSchema item)
    {
        var one = Sample(item, "");
        return new JsonArray([.. Enumerable.Range(0, 10_000).Select(_ => one?.DeepClone())]);
    }

    private static JsonNode RepeatMap(OpenApiSchema item) =>
        new JsonObject(Enumerable.Range(0, 10_000).Select(i => KeyValuePair.Create<string, JsonNode?>("k" + i, item.Kind == SchemaKind.String ? "v" : 1)));

    /// <summary>Replaces the value at <paramref name="path"/>; false when the sample has no such location (e.g. a null parent).</summary>
    private static bool TrySet(JsonNode root, IReadOnlyList<object> path, JsonNode? value)
    {
        JsonNode? parent = root;
        foreach (var segment in path.Take(path.Count - 1))
        {
            parent = segment is int i ? (parent is JsonArray a && a.Count > i ? a[i] : null) : (parent as JsonObject)?[(string)segment];
        }

        switch (path[^1])
        {
            case int index when parent is JsonArray array && array.Count > index:
                array[index] = value;
                return true;
            case string key when parent is JsonObject obj:
                obj[key] = value;
                return true;
            default:
                return false;
        }
    }

    private static string Describe(IReadOnlyList<object> path) =>
        string.Concat(path.Select((s, i) => s is int n ? $"[{n}]" : i == 0 ? (string)s : "." + s));

    private static byte[]? Serialize(JsonNode? body)
    {
        if (body is null)
        {
            return null;
        }

        var bytes = Encoding.UTF8.GetBytes(body.ToJsonString());
        var marker = Encoding.UTF8.GetBytes(InvalidUtf8Marker);
        var at = bytes.AsSpan().IndexOf(marker);
        return at < 0 ? bytes : [.. bytes[..at], .. InvalidUtf8, .. bytes[(at + marker.Length)..]];
    }

    private string Url(OpenApiOperation operation, IReadOnlyDictionary<string, string> query, (string Name, string Value)? pathOverride)
    {
        var path = System.Text.RegularExpressions.Regex.Replace(operation.Path, @"\{([A-Za-z]+)\}", match =>
        {
            var name = match.Groups[1].Value;
            if (pathOverride is { } o && o.Name == name)
            {
                return o.Value == ".." ? o.Value : Uri.EscapeDataString(o.Value);
            }

            Assert.True(pathSamples.ContainsKey(name),
                $"Path parameter '{{{name}}}' of {operation} has no sample value: add one (and seed the resource it names).");
            return Uri.EscapeDataString(pathSamples[name]);
        });
        return query.Count == 0 ? path : path + "?" + string.Join('&', query.Select(q => q.Key + "=" + Uri.EscapeDataString(q.Value)));
    }
}
