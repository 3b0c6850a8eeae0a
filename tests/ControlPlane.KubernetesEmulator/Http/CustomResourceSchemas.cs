using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ControlPlane.KubernetesEmulator.Resources;
using ControlPlane.KubernetesEmulator.Schemas;

namespace ControlPlane.KubernetesEmulator.Http;

/// <summary>
/// The structural schemas of the custom resources (their <see cref="ResourceSchema"/> entries in the catalog), enforced on
/// every write with the API server's 422 "Invalid" shape.
/// Stricter than a real server in one way on purpose: an unknown field is refused rather than pruned, so a typo in what
/// the control plane writes fails a test instead of silently vanishing. PrometheusRule also gets the Prometheus
/// Operator admission webhook's checks (exactly one of record/alert, durations).
/// </summary>
internal static partial class CustomResourceSchemas
{
    public static readonly ResourceSchema PrometheusRule = ResourceSchema.Structural(PrometheusRuleSpec);

    public static readonly ResourceSchema HttpRoute = ResourceSchema.Structural(HttpRouteSpec);

    public static void Check(ResourceType type, JsonObject obj, Action<JsonNode?, List<(string Field, string Problem)>> spec)
    {
        var errors = new List<(string Field, string Problem)>();
        spec(obj["spec"], errors);
        if (errors.Count > 0)
        {
            throw ApiException.Invalid(type.QualifiedKind, ObjectValidation.NameOf(obj) ?? "", errors[0].Field, errors[0].Problem);
        }
    }

    private static void PrometheusRuleSpec(JsonNode? spec, List<(string, string)> errors)
    {
        if (!Object(spec, "spec", ["groups"], errors))
        {
            return;
        }

        foreach (var (group, g) in Items(spec!["groups"], "spec.groups", errors))
        {
            var path = $"spec.groups[{g}]";
            if (!Object(group, path, ["name", "interval", "limit", "partial_response_strategy", "rules"], errors))
            {
                continue;
            }

            RequiredString(group!["name"], path + ".name", errors);
            OptionalDuration(group["interval"], path + ".interval", errors);
            foreach (var (rule, r) in Items(group["rules"], path + ".rules", errors))
            {
                var rulePath = $"{path}.rules[{r}]";
                if (!Object(rule, rulePath, ["record", "alert", "expr", "for", "keep_firing_for", "labels", "annotations"], errors))
                {
                    continue;
                }

                RequiredString(rule!["expr"], rulePath + ".expr", errors);
                if ((rule["record"] is null) == (rule["alert"] is null))
                {
                    errors.Add((rulePath, "Invalid value: exactly one of record and alert must be set"));
                }

                OptionalString(rule["record"], rulePath + ".record", errors);
                OptionalString(rule["alert"], rulePath + ".alert", errors);
                OptionalDuration(rule["for"], rulePath + ".for", errors);
                StringMap(rule["labels"], rulePath + ".labels", errors);
                StringMap(rule["annotations"], rulePath + ".annotations", errors);
            }
        }
    }

    private static void HttpRouteSpec(JsonNode? spec, List<(string, string)> errors)
    {
        if (!Object(spec, "spec", ["parentRefs", "hostnames", "rules"], errors))
        {
            return;
        }

        foreach (var (parent, p) in Items(spec!["parentRefs"], "spec.parentRefs", errors, optional: true))
        {
            if (Object(parent, $"spec.parentRefs[{p}]", ["group", "kind", "namespace", "name", "sectionName", "port"], errors))
            {
                RequiredString(parent!["name"], $"spec.parentRefs[{p}].name", errors);
                OptionalString(parent["namespace"], $"spec.parentRefs[{p}].namespace", errors);
            }
        }

        foreach (var (rule, r) in Items(spec["rules"], "spec.rules", errors, optional: true))
        {
            var path = $"spec.rules[{r}]";
            if (!Object(rule, path, ["name", "matches", "filters", "backendRefs", "timeouts"], errors))
            {
                continue;
            }

            foreach (var (filter, f) in Items(rule!["filters"], path + ".filters", errors, optional: true))
            {
                HttpRouteFilter(filter, $"{path}.filters[{f}]", errors);
            }

            foreach (var (backend, b) in Items(rule["backendRefs"], path + ".backendRefs", errors, optional: true))
            {
                var backendPath = $"{path}.backendRefs[{b}]";
                if (!Object(backend, backendPath, ["group", "kind", "name", "namespace", "port", "weight", "filters"], errors))
                {
                    continue;
                }

                RequiredString(backend!["name"], backendPath + ".name", errors);
                Integer(backend["port"], backendPath + ".port", 1, 65535, required: (string?)backend["kind"] is null or "Service", errors);
                Integer(backend["weight"], backendPath + ".weight", 0, 1_000_000, required: false, errors);
            }

            if (rule["backendRefs"] is JsonArray { Count: > 16 })
            {
                errors.Add((path + ".backendRefs", "Too many: must have at most 16 items"));
            }
        }
    }

    private static readonly string[] FilterTypes = ["RequestHeaderModifier", "ResponseHeaderModifier", "RequestMirror", "RequestRedirect", "URLRewrite", "ExtensionRef"];

    /// <summary>
    /// An HTTPRoute filter (Gateway API v1): a known type, and exactly the field its type names (the CRD's CEL rules).
    /// Of the filter types only RequestMirror is checked in depth: backendRef (name, port for a Service) and percent 0–100
    /// or fraction, not both.
    /// </summary>
    private static void HttpRouteFilter(JsonNode? filter, string path, List<(string, string)> errors)
    {
        string[] fields = ["requestHeaderModifier", "responseHeaderModifier", "requestMirror", "requestRedirect", "urlRewrite", "extensionRef"];
        if (!Object(filter, path, ["type", .. fields], errors))
        {
            return;
        }

        var type = filter!["type"] is JsonValue t && t.GetValueKind() == JsonValueKind.String ? (string?)t : null;
        if (type is null || !FilterTypes.Contains(type, StringComparer.Ordinal))
        {
            errors.Add((path + ".type", $"Unsupported value: {filter["type"]?.ToJsonString() ?? "null"}: supported values: {string.Join(", ", FilterTypes)}"));
            return;
        }

        var own = fields[Array.IndexOf(FilterTypes, type)];
        foreach (var field in fields.Where(f => filter[f] is not null && f != own))
        {
            errors.Add((path, $"Invalid value: {field} must not be set for type {type}"));
        }

        if (filter[own] is null)
        {
            errors.Add((path + "." + own, $"Required value: {own} must be set for type {type}"));
            return;
        }

        if (type != "RequestMirror" || !Object(filter[own], path + ".requestMirror", ["backendRef", "percent", "fraction"], errors))
        {
            return;
        }

        var mirror = filter[own]!;
        var backendPath = path + ".requestMirror.backendRef";
        if (Object(mirror["backendRef"], backendPath, ["group", "kind", "name", "namespace", "port"], errors))
        {
            RequiredString(mirror["backendRef"]!["name"], backendPath + ".name", errors);
            Integer(mirror["backendRef"]!["port"], backendPath + ".port", 1, 65535, required: (string?)mirror["backendRef"]!["kind"] is null or "Service", errors);
        }

        Integer(mirror["percent"], path + ".requestMirror.percent", 0, 100, required: false, errors);
        if (mirror["percent"] is not null && mirror["fraction"] is not null)
        {
            errors.Add((path + ".requestMirror", "Invalid value: only one of percent or fraction may be specified"));
        }
    }

    private static bool Object(JsonNode? node, string path, string[] allowed, List<(string, string)> errors)
    {
        if (node is not JsonObject obj)
        {
            errors.Add((path, node is null ? "Required value" : "Invalid value: must be an object"));
            return false;
        }

        foreach (var (key, _) in obj)
        {
            if (!allowed.Contains(key, StringComparer.Ordinal))
            {
                errors.Add(($"{path}.{key}", "Invalid value: field not declared in schema"));
            }
        }

        return true;
    }

    private static IEnumerable<(JsonNode? Item, int Index)> Items(JsonNode? node, string path, List<(string, string)> errors, bool optional = false)
    {
        if (node is JsonArray array)
        {
            return array.Select((item, i) => (item, i)).ToList();
        }

        if (node is not null || !optional)
        {
            errors.Add((path, node is null ? "Required value" : "Invalid value: must be an array"));
        }

        return [];
    }

    private static void RequiredString(JsonNode? node, string path, List<(string, string)> errors)
    {
        if (node is not JsonValue value || value.GetValueKind() != JsonValueKind.String || ((string?)value)!.Length == 0)
        {
            errors.Add((path, node is null ? "Required value" : "Invalid value: must be a non-empty string"));
        }
    }

    private static void OptionalString(JsonNode? node, string path, List<(string, string)> errors)
    {
        if (node is not null)
        {
            RequiredString(node, path, errors);
        }
    }

    private static void OptionalDuration(JsonNode? node, string path, List<(string, string)> errors)
    {
        if (node is not null && (node is not JsonValue value || value.GetValueKind() != JsonValueKind.String || !Duration().IsMatch((string)value!)))
        {
            errors.Add((path, $"Invalid value: {node.ToJsonString()}: must match {Duration()}"));
        }
    }

    private static void StringMap(JsonNode? node, string path, List<(string, string)> errors)
    {
        if (node is null)
        {
            return;
        }

        if (node is not JsonObject map || map.Any(p => p.Value is not JsonValue v || v.GetValueKind() != JsonValueKind.String))
        {
            errors.Add((path, "Invalid value: must be a map of strings"));
        }
    }

    private static long? Integer(JsonNode? node, string path, long min, long max, bool required, List<(string, string)> errors)
    {
        if (node is null)
        {
            if (required)
            {
                errors.Add((path, "Required value"));
            }

            return null;
        }

        if (node is not JsonValue value || value.GetValueKind() != JsonValueKind.Number || !value.TryGetValue<long>(out var number))
        {
            errors.Add((path, "Invalid value: must be an integer"));
            return null;
        }

        if (number < min || number > max)
        {
            errors.Add((path, $"Invalid value: {number}: must be between {min} and {max}"));
        }

        return number;
    }

    [GeneratedRegex("^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$")]
    private static partial Regex Duration();
}
