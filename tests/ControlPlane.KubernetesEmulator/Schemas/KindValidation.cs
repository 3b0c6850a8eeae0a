using System.Globalization;
using System.Text.Json.Nodes;
using ControlPlane.KubernetesEmulator.Http;

namespace ControlPlane.KubernetesEmulator.Schemas;

/// <summary>
/// Each served kind's validation, with the field paths and wording of the real API server's messages. Only what the
/// control plane writes (or could get wrong) is checked; the real server checks far more.
/// </summary>
internal static class KindValidation
{
    private const int MaxUserPriority = 1_000_000_000;
    private const string DefaultPreemption = "PreemptLowerPriority";

    public static IEnumerable<FieldViolation> Deployment(JsonObject obj, JsonObject? live)
    {
        var selector = JsonPaths.At(obj, "spec.selector");
        if (selector is null)
        {
            yield return FieldViolation.Required("spec.selector");
        }
        else
        {
            var wanted = JsonPaths.StringMap(JsonPaths.At(selector, "matchLabels"));
            var labels = JsonPaths.StringMap(JsonPaths.At(obj, "spec.template.metadata.labels"));
            if (wanted.Any(p => !labels.TryGetValue(p.Key, out var value) || value != p.Value))
            {
                yield return new FieldViolation("spec.template.metadata.labels", "FieldValueInvalid",
                    $"Invalid value: {GoMap(labels)}: `selector` does not match template `labels`");
            }

            if (live is not null && !JsonNode.DeepEquals(JsonPaths.At(live, "spec.selector"), selector))
            {
                yield return new FieldViolation("spec.selector", "FieldValueInvalid",
                    $"Invalid value: v1.LabelSelector{{MatchLabels:{GoMap(wanted)}}}: field is immutable");
            }
        }

        foreach (var violation in PodTemplate(obj, "spec.template"))
        {
            yield return violation;
        }
    }

    public static IEnumerable<FieldViolation> Job(JsonObject obj, JsonObject? live)
    {
        var restartPolicy = (string?)JsonPaths.At(obj, "spec.template.spec.restartPolicy");
        if (restartPolicy is not ("Never" or "OnFailure"))
        {
            yield return FieldViolation.Required("spec.template.spec.restartPolicy", "valid values: \"OnFailure\", \"Never\"");
        }

        if (live is not null && !JsonNode.DeepEquals(JsonPaths.At(live, "spec.template"), JsonPaths.At(obj, "spec.template")))
        {
            yield return new FieldViolation("spec.template", "FieldValueInvalid", "Invalid value: core.PodTemplateSpec{...}: field is immutable");
        }

        foreach (var violation in PodTemplate(obj, "spec.template"))
        {
            yield return violation;
        }
    }

    public static IEnumerable<FieldViolation> Service(JsonObject obj, JsonObject? live)
    {
        if ((string?)JsonPaths.At(obj, "spec.type") != "ExternalName" && JsonPaths.Items(obj, "spec.ports").Count() == 0)
        {
            yield return FieldViolation.Required("spec.ports");
        }
    }

    /// <summary>value and preemptionPolicy are immutable: changing them means deleting and re-creating the class.</summary>
    public static IEnumerable<FieldViolation> PriorityClass(JsonObject obj, JsonObject? live)
    {
        var value = JsonPaths.At(obj, "value");
        if (value is null)
        {
            yield return FieldViolation.Required("value");
        }
        else if ((long)value > MaxUserPriority)
        {
            yield return new FieldViolation("value", "FieldValueInvalid",
                string.Create(CultureInfo.InvariantCulture, $"Invalid value: {(long)value}: maximum allowed value of a user defined priority is {MaxUserPriority}"));
        }

        var policy = (string?)JsonPaths.At(obj, "preemptionPolicy");
        if (policy is not (null or "Never" or "PreemptLowerPriority"))
        {
            yield return new FieldViolation("preemptionPolicy", "FieldValueNotSupported",
                $"Unsupported value: \"{policy}\": supported values: \"Never\", \"PreemptLowerPriority\"");
        }

        if (live is not null && !JsonNode.DeepEquals(live["value"], obj["value"]))
        {
            yield return new FieldViolation("value", "FieldValueForbidden", "Forbidden: may not be changed in an update.");
        }

        if (live is not null && ((string?)live["preemptionPolicy"] ?? DefaultPreemption) != (policy ?? DefaultPreemption))
        {
            yield return new FieldViolation("preemptionPolicy", "FieldValueForbidden", "Forbidden: may not be changed in an update.");
        }
    }

    public static IEnumerable<FieldViolation> RuntimeClass(JsonObject obj, JsonObject? live)
    {
        var handler = (string?)obj["handler"];
        if (string.IsNullOrEmpty(handler))
        {
            yield return FieldViolation.Required("handler");
        }
        else if (!ObjectValidation.IsDnsLabel(handler))
        {
            yield return FieldViolation.Invalid("handler", handler, ObjectValidation.LabelRule);
        }
    }

    public static IEnumerable<FieldViolation> HorizontalPodAutoscaler(JsonObject obj, JsonObject? live)
    {
        foreach (var field in new[] { "kind", "name" })
        {
            if (string.IsNullOrEmpty((string?)JsonPaths.At(obj, "spec.scaleTargetRef." + field)))
            {
                yield return FieldViolation.Required("spec.scaleTargetRef." + field);
            }
        }

        var max = (int?)JsonPaths.At(obj, "spec.maxReplicas") ?? 0;
        var min = (int?)JsonPaths.At(obj, "spec.minReplicas") ?? 1;
        if (max < 1)
        {
            yield return new FieldViolation("spec.maxReplicas", "FieldValueInvalid",
                string.Create(CultureInfo.InvariantCulture, $"Invalid value: {max}: must be greater than or equal to 1"));
        }
        else if (min > max)
        {
            yield return new FieldViolation("spec.minReplicas", "FieldValueInvalid",
                string.Create(CultureInfo.InvariantCulture, $"Invalid value: {min}: must be less than or equal to maxReplicas"));
        }

        foreach (var (i, metric) in JsonPaths.Items(obj, "spec.metrics"))
        {
            var type = (string?)metric["type"];
            var source = type switch
            {
                "Resource" => "resource",
                "Pods" => "pods",
                "Object" => "object",
                "External" => "external",
                "ContainerResource" => "containerResource",
                _ => null,
            };
            if (source is null)
            {
                yield return FieldViolation.Required($"spec.metrics[{i}].type", "must specify a metric source type");
            }
            else if (metric[source] is null)
            {
                yield return FieldViolation.Required($"spec.metrics[{i}].{source}", $"must populate information for the given metric source");
            }
        }
    }

    private static IEnumerable<FieldViolation> PodTemplate(JsonObject obj, string path)
    {
        var containers = JsonPaths.Items(obj, path + ".spec.containers").ToList();
        if (containers.Count == 0)
        {
            yield return FieldViolation.Required(path + ".spec.containers");
        }

        foreach (var (i, container) in containers)
        {
            var name = (string?)container["name"];
            if (string.IsNullOrEmpty(name))
            {
                yield return FieldViolation.Required($"{path}.spec.containers[{i}].name");
            }
            else if (!ObjectValidation.IsDnsLabel(name))
            {
                yield return FieldViolation.Invalid($"{path}.spec.containers[{i}].name", name, ObjectValidation.LabelRule);
            }

            if (string.IsNullOrEmpty((string?)container["image"]))
            {
                yield return FieldViolation.Required($"{path}.spec.containers[{i}].image");
            }
        }

        foreach (var violation in ObjectValidation.LabelViolations(JsonPaths.At(obj, path + ".metadata.labels"), path + ".metadata.labels"))
        {
            yield return violation;
        }
    }

    /// <summary>A map as Go's %v prints it in validation messages: <c>map[string]string{"app":"web"}</c>.</summary>
    private static string GoMap(IReadOnlyDictionary<string, string> map) =>
        "map[string]string{" + string.Join(", ", map.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"\"{p.Key}\":\"{p.Value}\"")) + "}";
}
