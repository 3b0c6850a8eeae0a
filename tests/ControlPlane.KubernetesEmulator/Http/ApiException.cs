using System.Text.Json.Nodes;
using ControlPlane.KubernetesEmulator.Schemas;

namespace ControlPlane.KubernetesEmulator.Http;

/// <summary>
/// A failed API call, carried up to the HTTP layer and written as a real <c>Status</c> object so the
/// client surfaces it exactly as it would from a real API server.
/// </summary>
internal sealed class ApiException(int code, string reason, string message, JsonObject? details = null)
    : Exception(message)
{
    public int Code { get; } = code;

    public string Reason { get; } = reason;

    public JsonObject? Details { get; } = details;

    public static ApiException NotFound(string qualifiedResource, string name) =>
        new(404, "NotFound", $"{qualifiedResource} \"{name}\" not found", Describe(qualifiedResource, name));

    public static ApiException NamespaceNotFound(string ns) => NotFound("namespaces", ns);

    public static ApiException AlreadyExists(string qualifiedResource, string name) =>
        new(409, "AlreadyExists", $"{qualifiedResource} \"{name}\" already exists", Describe(qualifiedResource, name));

    public static ApiException StaleResourceVersion(string qualifiedResource, string name) =>
        new(409, "Conflict",
            $"Operation cannot be fulfilled on {qualifiedResource} \"{name}\": the object has been modified; please apply your changes to the latest version and try again",
            Describe(qualifiedResource, name));

    public static ApiException Invalid(string qualifiedKind, string name, string field, string problem) =>
        Invalid(qualifiedKind, name, [new FieldViolation(field, "FieldValueInvalid", problem)]);

    /// <summary>A 422 listing every violation, worded as the real server does: <c>Kind.group "name" is invalid: [a: …, b: …]</c>.</summary>
    public static ApiException Invalid(string qualifiedKind, string name, IReadOnlyList<FieldViolation> violations)
    {
        var list = violations.Count == 1 ? violations[0].ToString() : "[" + string.Join(", ", violations) + "]";
        var causes = new JsonArray(violations.Select(v => (JsonNode)new JsonObject { ["reason"] = v.Reason, ["message"] = v.Problem, ["field"] = v.Field }).ToArray());
        return new(422, "Invalid", $"{qualifiedKind} \"{name}\" is invalid: {list}", new JsonObject { ["name"] = name, ["kind"] = qualifiedKind, ["causes"] = causes });
    }

    public static ApiException BadRequest(string message) => new(400, "BadRequest", message);

    public static ApiException MethodNotAllowed() => new(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");

    public static ApiException UnsupportedMediaType(string? contentType) =>
        new(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml (got \"{contentType}\")");

    private static JsonObject Describe(string qualifiedResource, string name)
    {
        var dot = qualifiedResource.IndexOf('.', StringComparison.Ordinal);
        return dot < 0
            ? new JsonObject { ["name"] = name, ["kind"] = qualifiedResource }
            : new JsonObject { ["name"] = name, ["group"] = qualifiedResource[(dot + 1)..], ["kind"] = qualifiedResource[..dot] };
    }
}
