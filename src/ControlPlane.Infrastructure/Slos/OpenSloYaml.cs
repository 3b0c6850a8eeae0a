using System.Globalization;
using System.Text.Json;
using ControlPlane.Application.Common;
using ControlPlane.Application.Slos;
using ControlPlane.Domain.Common;
using ControlPlane.Domain.Slos;
using System.Text.Json.Serialization;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace ControlPlane.Infrastructure.Slos;

/// <summary>
/// OpenSLO v1 <c>kind: SLO</c> documents with YamlDotNet (KubernetesClient's YAML library). Remediation is not an OpenSLO
/// concept and the v1 schema allows no extra fields in <c>spec</c>, so the rules travel in an annotation (free-form strings
/// that other OpenSLO tools carry along) as a JSON array in the API's own wire form.
/// </summary>
internal sealed class OpenSloYaml : IOpenSloFormat
{
    /// <summary>The API's JSON for remediation rules (camelCase, kebab-case enums), strict about unknown members on import.</summary>
    private static readonly JsonSerializerOptions RemediationJson = new(JsonSerializerDefaults.Web)
    {
        Converters = { WireNames.JsonConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };
    private static readonly ISerializer Serializer = new SerializerBuilder().Build();
    private static readonly IDeserializer Deserializer = new DeserializerBuilder().Build();

    public string Export(Slo slo)
    {
        var annotations = new Dictionary<string, string> { [OpenSloAnnotations.Kind] = WireNames.Of(slo.Indicator.Kind) };
        if (slo.Indicator.Metrics is { } metrics)
        {
            annotations[OpenSloAnnotations.Metrics] = WireNames.Of(metrics);
        }

        if (slo.Indicator.ThresholdSeconds is { } threshold)
        {
            annotations[OpenSloAnnotations.ThresholdSeconds] = threshold.ToString(CultureInfo.InvariantCulture);
        }

        if (slo.Indicator.MaxCostPer1kInferences is { } cost)
        {
            annotations[OpenSloAnnotations.MaxCostPer1kInferences] = cost.ToString(CultureInfo.InvariantCulture);
        }

        if (slo.Remediation.Count > 0)
        {
            annotations[OpenSloAnnotations.Remediation] = JsonSerializer.Serialize(slo.Remediation, RemediationJson);
        }

        var indicator = new Dictionary<string, object> { ["metadata"] = new Dictionary<string, object> { ["name"] = slo.Name + "-sli" } };
        if (slo.Indicator.Kind != SloIndicatorKind.Cost)
        {
            indicator["spec"] = new Dictionary<string, object>
            {
                ["ratioMetric"] = new Dictionary<string, object>
                {
                    ["counter"] = true,
                    ["rawType"] = "failure",
                    ["raw"] = new Dictionary<string, object>
                    {
                        ["metricSource"] = new Dictionary<string, object>
                        {
                            ["type"] = "Prometheus",
                            ["spec"] = new Dictionary<string, object> { ["query"] = SloRules.ErrorRatioExpr(slo, TimeSpan.FromMinutes(5)) },
                        },
                    },
                },
            };
        }

        return Serializer.Serialize(new Dictionary<string, object>
        {
            ["apiVersion"] = "openslo/v1",
            ["kind"] = "SLO",
            ["metadata"] = new Dictionary<string, object> { ["name"] = slo.Name, ["annotations"] = annotations },
            ["spec"] = new Dictionary<string, object>
            {
                ["service"] = slo.Placement,
                ["indicator"] = indicator,
                ["timeWindow"] = new[] { new Dictionary<string, object> { ["duration"] = slo.Window, ["isRolling"] = true } },
                ["budgetingMethod"] = slo.Indicator.Kind == SloIndicatorKind.Cost ? "Timeslices" : "Occurrences",
                ["objectives"] = new[] { new Dictionary<string, object> { ["target"] = Math.Round(slo.Objective / 100, 9) } },
            },
        });
    }

    public (string Name, PutSloRequest Request) Import(string document)
    {
        var errors = new FieldErrors();
        OpenSloLimits.Check(document, errors);
        errors.ThrowIfAny();
        object? root;
        try
        {
            root = Deserializer.Deserialize<object>(document);
        }
        catch (YamlException)
        {
            root = null;
        }

        var doc = Map(root);
        errors.AddIf(doc is null, "document", "an OpenSLO v1 SLO document in YAML");
        errors.ThrowIfAny();
        errors.AddIf(Text(doc, "apiVersion") != "openslo/v1" || Text(doc, "kind") != "SLO", "apiVersion", "must be openslo/v1 with kind SLO");
        var metadata = Map(Field(doc, "metadata"));
        var spec = Map(Field(doc, "spec"));
        var annotations = Map(Field(metadata, "annotations"));
        var name = Text(metadata, "name");
        errors.AddIf(name is null, "metadata.name", "is required");
        errors.AddIf(Text(annotations, OpenSloAnnotations.Kind) is null, "metadata.annotations",
            $"{OpenSloAnnotations.Kind} (availability, latency or cost) is required: the control plane builds the queries from it, never from the document's");
        var window = Map(Single(errors, spec, "timeWindow", "one rolling window such as 28d"));
        var objective = Map(Single(errors, spec, "objectives", "one objective: an SLO of the control plane has one target"));
        var target = Number(objective, "target");
        errors.AddIf(target is null, "spec.objectives[0].target", "a ratio such as 0.995 is required");
        var remediation = Remediation(errors, Text(annotations, OpenSloAnnotations.Remediation));
        errors.ThrowIfAny();

        var indicator = new SloIndicatorRequest(
            Enum<SloIndicatorKind>(errors, "kind", Text(annotations, OpenSloAnnotations.Kind)),
            Enum<MetricsPreset>(errors, "metrics", Text(annotations, OpenSloAnnotations.Metrics)),
            Number(annotations, OpenSloAnnotations.ThresholdSeconds),
            Number(annotations, OpenSloAnnotations.MaxCostPer1kInferences) is { } cost ? (decimal)cost : null);
        errors.ThrowIfAny();
        return (name!, new PutSloRequest(Text(spec, "service"), Math.Round(target!.Value * 100, 9), Text(window, "duration"), indicator, remediation));
    }

    /// <summary>The only item of a list the control plane models once (more would be silently dropped otherwise).</summary>
    private static object? Single(FieldErrors errors, Dictionary<object, object>? spec, string key, string rule)
    {
        var items = Field(spec, key) as List<object>;
        errors.AddIf(items is not { Count: 1 }, "spec." + key, $"exactly {rule}");
        return items?.FirstOrDefault();
    }

    private static List<RemediationRuleRequest>? Remediation(FieldErrors errors, string? json)
    {
        if (json is null)
        {
            return null;
        }

        try
        {
            var rules = JsonSerializer.Deserialize<List<RemediationRuleRequest>>(json, RemediationJson);
            errors.AddIf(rules is null || rules.Contains(null!), "metadata.annotations." + OpenSloAnnotations.Remediation, "a JSON array of remediation rules");
            return rules;
        }
        catch (JsonException e)
        {
            errors.Add("metadata.annotations." + OpenSloAnnotations.Remediation,
                $"a JSON array of remediation rules as the API takes them ({e.Message.Split(" Path:")[0]})");
            return null;
        }
    }

    private static T? Enum<T>(FieldErrors errors, string field, string? text)
        where T : struct, Enum
    {
        var value = text is null ? null : WireNames.Parse<T>(text);
        errors.AddIf(text is not null && value is null, "metadata.annotations", $"'{text}' is not a known {field}");
        return value;
    }

    private static Dictionary<object, object>? Map(object? node) => node as Dictionary<object, object>;

    private static object? Field(Dictionary<object, object>? map, string key) => map is not null && map.TryGetValue(key, out var value) ? value : null;

    private static string? Text(Dictionary<object, object>? map, string key) => Field(map, key) as string;

    private static double? Number(Dictionary<object, object>? map, string key) =>
        Text(map, key) is { } text && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) ? value : null;
}
