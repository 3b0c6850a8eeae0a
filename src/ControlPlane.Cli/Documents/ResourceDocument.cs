using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ControlPlane.Client;

namespace ControlPlane.Cli.Documents;

/// <summary>
/// One declarative document: <c>kind</c>, <c>metadata: {tenant, name}</c>, <c>spec</c>. A Rollout has no name of its own
/// (the API numbers a placement's rollouts): its metadata is <c>{tenant, placement}</c>, and <see cref="Name"/> is the placement.
/// </summary>
internal sealed partial record ResourceDocument(string Kind, string? Tenant, string Name, JsonObject Spec, string Source)
{
    public const string RolloutKind = "Rollout";

    public static ResourceDocument From(JsonNode? node, string source)
    {
        if (node is not JsonObject root)
        {
            throw new UsageException($"{source}: a document is a mapping with kind, metadata and spec.");
        }

        var kind = (root["kind"] as JsonValue)?.ToString() ?? throw new UsageException($"{source}: kind is missing.");
        var metadata = root["metadata"] as JsonObject ?? throw new UsageException($"{source}: metadata is missing.");
        var name = kind == RolloutKind ? RolloutPlacement(metadata, source)
            : (metadata["name"] as JsonValue)?.ToString() ?? throw new UsageException($"{source}: metadata.name is missing.");
        var spec = root["spec"] as JsonObject ?? throw new UsageException($"{source}: spec is missing.");
        return new ResourceDocument(kind, (metadata["tenant"] as JsonValue)?.ToString(), name, spec, source);
    }

    private static string RolloutPlacement(JsonObject metadata, string source) =>
        metadata.ContainsKey("name")
            ? throw new UsageException($"{source}: a Rollout has no metadata.name (the API numbers a placement's rollouts): name the placement rolled out in metadata.placement.")
            : (metadata["placement"] as JsonValue)?.ToString() ?? throw new UsageException($"{source}: metadata.placement (the placement rolled out) is missing.");

    /// <summary>
    /// The Idempotency-Key of a create: derived from the document's content, so re-running a pipeline step (or retrying
    /// after a lost response) repeats the same request, and a changed document is a new one.
    /// </summary>
    public string IdempotencyKey(string tenant)
    {
        var canonical = $"{Kind}\n{tenant}\n{Name}\n{Spec.ToJsonString()}";
        return "apply-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))[..40];
    }

    /// <summary>
    /// The generated types follow the document's <c>additionalProperties: false</c>: a member the API does not have fails
    /// the read here (a typo would otherwise be dropped silently and change nothing).
    /// </summary>
    private static readonly JsonSerializerOptions StrictWireJson = new(WireJson.Options)
    {
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>The spec as the generated request type; a field the API does not know is a usage error, not silently dropped.</summary>
    public T SpecAs<T>()
        where T : class
    {
        T? request;
        try
        {
            request = Spec.Deserialize<T>(StrictWireJson);
        }
        catch (JsonException e)
        {
            var path = "spec" + e.Path?.TrimStart('$');
            throw new UsageException(UnmappedMember().Match(e.Message) is { Success: true } unknown
                ? $"{Source}: {Kind} {Name}: a field the API does not know: {(path.EndsWith(unknown.Groups[1].Value, StringComparison.Ordinal) ? path : path + "." + unknown.Groups[1].Value)}."
                : $"{Source}: {Kind} {Name}: {path}: {e.Message}");
        }

        return request ?? throw new UsageException($"{Source}: {Kind} {Name}: spec is empty.");
    }

    /// <summary>System.Text.Json's message for a member refused by <c>JsonUnmappedMemberHandling.Disallow</c>.</summary>
    [System.Text.RegularExpressions.GeneratedRegex("^The JSON property '(.*?)' could not be mapped to any \\.NET member", System.Text.RegularExpressions.RegexOptions.Singleline)]
    private static partial System.Text.RegularExpressions.Regex UnmappedMember();
}
