using System.Text.Json.Serialization;
using ControlPlane.Application.Slos;
using ControlPlane.Domain.Tenants;

namespace ControlPlane.Infrastructure.Kubernetes;

/// <summary>
/// Typed records of the fields the control plane writes of two custom resources KubernetesClient has no models for:
/// monitoring.coreos.com/v1 PrometheusRule and gateway.networking.k8s.io/v1 HTTPRoute. Applied as custom objects.
/// </summary>
internal static class SloObjectManifests
{
    public const string MonitoringGroup = "monitoring.coreos.com";
    public const string MonitoringVersion = "v1";
    public const string PrometheusRules = "prometheusrules";
    public const string GatewayGroup = "gateway.networking.k8s.io";
    public const string GatewayVersion = "v1";
    public const string HttpRoutes = "httproutes";

    /// <summary>The SLO label on PrometheusRules, to find the rules of SLOs that no longer exist.</summary>
    public const string SloLabel = "controlplane.io/slo";

    public static string RuleName(string slo) => "slo-" + slo;

    public static CustomObject<PrometheusRuleSpec> PrometheusRule(SloRuleManifest rule) => new(
        $"{MonitoringGroup}/{MonitoringVersion}", "PrometheusRule",
        Metadata(rule.Tenant, RuleName(rule.Slo), rule.Placement, new() { [SloLabel] = rule.Slo }),
        new PrometheusRuleSpec([.. rule.Groups.Select(g => new RuleGroupSpec(g.Name, g.Interval,
            [.. g.Rules.Select(r => new RuleSpec(r.Record, r.Alert, r.Expr, r.Labels, r.Annotations))]))]));

    /// <summary>
    /// The placement's HTTPRoute: weighted backends, each a Service on its port; a shadow's RequestMirror filter; the
    /// cluster's Gateway as parent when one is registered.
    /// </summary>
    public static CustomObject<HttpRouteSpec> HttpRoute(TrafficSplit split) => new(
        $"{GatewayGroup}/{GatewayVersion}", "HTTPRoute",
        Metadata(split.Tenant, split.Placement, split.Placement, []),
        new HttpRouteSpec(
            split.Gateway is { } gateway ? [new ParentRef(GatewayGroup, "Gateway", gateway.Namespace, gateway.Name)] : null,
            [new HttpRouteRule(
                split.Mirror is { } mirror
                    ? [new HttpRouteFilter("RequestMirror", new RequestMirror(new MirrorBackendRef(mirror.Service, ManifestRenderer.ServicePort), mirror.Percent))]
                    : null,
                [.. split.Backends.Select(b => new BackendRef(b.Service, ManifestRenderer.ServicePort, b.Weight))])]));

    private static ObjectMeta Metadata(string tenant, string name, string placement, Dictionary<string, string> extraLabels)
    {
        var labels = new Dictionary<string, string>(extraLabels, StringComparer.Ordinal)
        {
            [ManifestLabels.ManagedBy] = ManifestLabels.ManagedByValue, [ManifestLabels.Tenant] = tenant, [ManifestLabels.Placement] = placement,
        };
        return new ObjectMeta(name, TenantNamespace.For(tenant), labels);
    }
}

internal sealed record CustomObject<TSpec>(
    [property: JsonPropertyName("apiVersion")] string ApiVersion,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("metadata")] ObjectMeta Metadata,
    [property: JsonPropertyName("spec")] TSpec Spec);

internal sealed record ObjectMeta(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("namespace")] string Namespace,
    [property: JsonPropertyName("labels")] IReadOnlyDictionary<string, string> Labels);

internal sealed record PrometheusRuleSpec([property: JsonPropertyName("groups")] IReadOnlyList<RuleGroupSpec> Groups);

internal sealed record RuleGroupSpec(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("interval"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Interval,
    [property: JsonPropertyName("rules")] IReadOnlyList<RuleSpec> Rules);

internal sealed record RuleSpec(
    [property: JsonPropertyName("record"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Record,
    [property: JsonPropertyName("alert"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Alert,
    [property: JsonPropertyName("expr")] string Expr,
    [property: JsonPropertyName("labels")] IReadOnlyDictionary<string, string> Labels,
    [property: JsonPropertyName("annotations"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, string>? Annotations);

internal sealed record HttpRouteSpec(
    [property: JsonPropertyName("parentRefs"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<ParentRef>? ParentRefs,
    [property: JsonPropertyName("rules")] IReadOnlyList<HttpRouteRule> Rules);

internal sealed record ParentRef(
    [property: JsonPropertyName("group")] string Group,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("namespace")] string Namespace,
    [property: JsonPropertyName("name")] string Name);

internal sealed record HttpRouteRule(
    [property: JsonPropertyName("filters"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<HttpRouteFilter>? Filters,
    [property: JsonPropertyName("backendRefs")] IReadOnlyList<BackendRef> BackendRefs);

internal sealed record HttpRouteFilter(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("requestMirror")] RequestMirror RequestMirror);

/// <summary>Gateway API v1 HTTPRequestMirrorFilter: where to copy requests, and which share of them (percent, 0 to 100).</summary>
internal sealed record RequestMirror(
    [property: JsonPropertyName("backendRef")] MirrorBackendRef BackendRef,
    [property: JsonPropertyName("percent")] int Percent);

internal sealed record MirrorBackendRef(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("port")] int Port);

internal sealed record BackendRef(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("port")] int Port,
    [property: JsonPropertyName("weight")] int Weight);
