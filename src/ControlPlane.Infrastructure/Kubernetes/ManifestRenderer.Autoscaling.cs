using ControlPlane.Application.Clusters;
using k8s.Models;

namespace ControlPlane.Infrastructure.Kubernetes;

public static partial class ManifestRenderer
{
    /// <summary>
    /// The HorizontalPodAutoscaler (autoscaling/v2) of an autoscaled inference placement, named like its Deployment: on
    /// average CPU utilisation, or on a per-pod custom metric the Prometheus adapter serves (custom.metrics.k8s.io).
    /// </summary>
    public static V2HorizontalPodAutoscaler HorizontalPodAutoscaler(PlacementManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var scaling = manifest.Scaling ?? throw new ArgumentException("The placement is not autoscaled.", nameof(manifest));
        var metric = scaling.PodsMetricName is { } metricName
            ? new V2MetricSpec
            {
                Type = "Pods",
                Pods = new V2PodsMetricSource
                {
                    Metric = new V2MetricIdentifier { Name = metricName },
                    Target = new V2MetricTarget { Type = "AverageValue", AverageValue = new ResourceQuantity(scaling.TargetAverageValue) },
                },
            }
            : new V2MetricSpec
            {
                Type = "Resource",
                Resource = new V2ResourceMetricSource
                {
                    Name = "cpu",
                    Target = new V2MetricTarget { Type = "Utilization", AverageUtilization = scaling.TargetCpuUtilizationPercent },
                },
            };
        return new V2HorizontalPodAutoscaler
        {
            ApiVersion = "autoscaling/v2",
            Kind = "HorizontalPodAutoscaler",
            Metadata = PlacementMetadata(manifest),
            Spec = new V2HorizontalPodAutoscalerSpec
            {
                ScaleTargetRef = new V2CrossVersionObjectReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = manifest.Name },
                MinReplicas = scaling.MinReplicas,
                MaxReplicas = scaling.MaxReplicas,
                Metrics = [metric],
            },
        };
    }
}
