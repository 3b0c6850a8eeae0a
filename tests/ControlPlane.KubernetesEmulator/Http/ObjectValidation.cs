using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ControlPlane.KubernetesEmulator.Resources;
using ControlPlane.KubernetesEmulator.Schemas;

namespace ControlPlane.KubernetesEmulator.Http;

/// <summary>The checks the real API server makes on every object, with its status codes and reasons.</summary>
internal static partial class ObjectValidation
{
    private const string SubdomainRule =
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";

    public const string LabelRule =
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";

    /// <summary>
    /// The body's apiVersion and kind, when present, must be those of the URL. Server-side apply requires
    /// them to be present, because the applied configuration is a complete, typed intent.
    /// </summary>
    public static void CheckTypeMeta(ResourceType type, JsonObject body, bool required)
    {
        var apiVersion = (string?)body["apiVersion"];
        var kind = (string?)body["kind"];
        if (required && (string.IsNullOrEmpty(apiVersion) || string.IsNullOrEmpty(kind)))
        {
            throw ApiException.BadRequest($"invalid object type: {apiVersion}, Kind={kind}: apply requires apiVersion and kind");
        }

        var name = NameOf(body) ?? "";
        if (apiVersion is not null && apiVersion != type.ApiVersion)
        {
            throw ApiException.Invalid(type.QualifiedKind, name, "apiVersion", $"Invalid value: \"{apiVersion}\": must be {type.ApiVersion}");
        }

        if (kind is not null && kind != type.Kind)
        {
            throw ApiException.Invalid(type.QualifiedKind, name, "kind", $"Invalid value: \"{kind}\": must be {type.Kind}");
        }
    }

    public static void CheckName(ResourceType type, string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw ApiException.Invalid(type.QualifiedKind, "", "metadata.name", "Required value: name or generateName is required");
        }

        // Namespaces and services become DNS labels, so they get the stricter rule, as in the real API.
        var isLabel = type == ResourceCatalog.Namespaces || type.Plural == "services";
        var valid = isLabel ? IsDnsLabel(name) : name.Length <= 253 && Subdomain().IsMatch(name);
        if (!valid)
        {
            throw ApiException.Invalid(type.QualifiedKind, name, "metadata.name", $"Invalid value: \"{name}\": {(isLabel ? LabelRule : SubdomainRule)}");
        }
    }

    /// <summary>
    /// What would be stored must be valid: its labels (<c>metadata.labels</c>) and everything its kind's schema checks.
    /// All violations are reported at once, as the real server does.
    /// </summary>
    public static void CheckObject(ResourceType type, JsonObject obj, JsonObject? live)
    {
        var violations = LabelViolations(obj["metadata"]?["labels"], "metadata.labels").Concat(type.Schema.Validate(obj, live)).ToList();
        if (violations.Count > 0)
        {
            throw ApiException.Invalid(type.QualifiedKind, NameOf(obj) ?? "", violations);
        }
    }

    /// <summary>Label keys are an optional DNS subdomain prefix and a name of at most 63 characters; values at most 63 characters.</summary>
    public static IEnumerable<FieldViolation> LabelViolations(JsonNode? labels, string field)
    {
        foreach (var (key, value) in JsonPaths.StringMap(labels))
        {
            var slash = key.LastIndexOf('/');
            var (prefix, name) = slash < 0 ? (null, key) : (key[..slash], key[(slash + 1)..]);
            if (prefix is not null && (prefix.Length > 253 || !Subdomain().IsMatch(prefix)))
            {
                yield return FieldViolation.Invalid(field, key, "prefix part " + SubdomainRule);
            }

            if (name.Length is 0 or > 63 || !QualifiedName().IsMatch(name))
            {
                yield return FieldViolation.Invalid(field, key, "name part " + QualifiedNameRule);
            }

            if (value.Length > 63 || (value.Length > 0 && !QualifiedName().IsMatch(value)))
            {
                yield return FieldViolation.Invalid(field, value, LabelValueRule);
            }
        }
    }

    public static bool IsDnsLabel(string name) => name.Length <= 63 && Label().IsMatch(name);

    /// <summary>An item write must name the object the URL names (name and namespace, when the body gives them).</summary>
    public static void CheckMatchesUrl(ResourceRequest request, JsonObject body)
    {
        var name = NameOf(body);
        if (name is not null && name != request.Name)
        {
            throw ApiException.BadRequest($"the name of the object ({name}) does not match the name on the URL ({request.Name})");
        }

        CheckNamespaceMatchesUrl(request, body);
    }

    public static void CheckNamespaceMatchesUrl(ResourceRequest request, JsonObject body)
    {
        var ns = (string?)body["metadata"]?["namespace"];
        if (request.Type.Namespaced && !string.IsNullOrEmpty(ns) && ns != request.Namespace)
        {
            throw ApiException.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
        }
    }

    /// <summary>A resourceVersion in the body is an optimistic-concurrency precondition; a stale one is a 409.</summary>
    public static void CheckResourceVersion(ResourceType type, JsonObject? live, JsonObject body)
    {
        var expected = (string?)body["metadata"]?["resourceVersion"];
        if (!string.IsNullOrEmpty(expected) && live is not null && expected != (string?)live["metadata"]?["resourceVersion"])
        {
            throw ApiException.StaleResourceVersion(type.QualifiedResource, NameOf(live) ?? "");
        }
    }

    private const string QualifiedNameRule =
        "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

    private const string LabelValueRule =
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

    public static string? NameOf(JsonObject obj) => (string?)obj["metadata"]?["name"];

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex Subdomain();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Label();

    [GeneratedRegex("^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")]
    private static partial Regex QualifiedName();
}
