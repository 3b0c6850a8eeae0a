using ControlPlane.KubernetesEmulator.Http;

namespace ControlPlane.KubernetesEmulator.Resources;

/// <summary>The custom resources the emulator serves as if their CRDs were installed (Prometheus Operator, Gateway API).</summary>
internal static class CustomResources
{
    public static readonly ResourceType PrometheusRules =
        new("monitoring.coreos.com", "v1", "prometheusrules", "PrometheusRule", Namespaced: true, HasStatus: false, ResourceVerbs.All)
        {
            Schema = CustomResourceSchemas.PrometheusRule,
        };

    public static readonly ResourceType HttpRoutes =
        new("gateway.networking.k8s.io", "v1", "httproutes", "HTTPRoute", Namespaced: true, HasStatus: true, ResourceVerbs.All)
        {
            Schema = CustomResourceSchemas.HttpRoute,
        };
}
