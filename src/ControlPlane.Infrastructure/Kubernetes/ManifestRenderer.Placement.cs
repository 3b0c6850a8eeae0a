using ControlPlane.Application.Clusters;
using k8s.Models;

namespace ControlPlane.Infrastructure.Kubernetes;

public static partial class ManifestRenderer
{
    /// <summary>Port the Service exposes inside the cluster.</summary>
    public const int ServicePort = 80;

    /// <summary>Port the serving container listens on.</summary>
    public const int ContainerPort = 8080;

    /// <summary>The Deployment of an inference placement.</summary>
    public static V1Deployment Deployment(PlacementManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        return new V1Deployment
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = PlacementMetadata(manifest),
            Spec = new V1DeploymentSpec
            {
                // An autoscaled Deployment leaves replicas to its HorizontalPodAutoscaler: applying a count would reset
                // every scale-up (the Deployment starts at 1 and the autoscaler raises it to its minimum).
                Replicas = manifest.Scaling is null ? manifest.Replicas : null,
                Selector = new V1LabelSelector { MatchLabels = PlacementSelector(manifest) },
                // GPUs are reserved per replica at admission: a surge pod would wait for capacity nobody reserved,
                // so roll by replacing one pod at a time instead.
                Strategy = new V1DeploymentStrategy
                {
                    Type = "RollingUpdate",
                    RollingUpdate = new V1RollingUpdateDeployment { MaxSurge = 0, MaxUnavailable = 1 },
                },
                Template = PodTemplate(manifest, restartPolicy: null),
            },
        };
    }

    /// <summary>The ClusterIP Service in front of an inference placement's pods.</summary>
    public static V1Service Service(PlacementManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        return new V1Service
        {
            ApiVersion = "v1",
            Kind = "Service",
            Metadata = PlacementMetadata(manifest),
            Spec = new V1ServiceSpec
            {
                Type = "ClusterIP",
                Selector = PlacementSelector(manifest),
                Ports = [new V1ServicePort { Name = "http", Protocol = "TCP", Port = ServicePort, TargetPort = ContainerPort }],
            },
        };
    }

    /// <summary>The Job of a training or batch placement: all replicas run in parallel and each must complete.</summary>
    public static V1Job Job(PlacementManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        return new V1Job
        {
            ApiVersion = "batch/v1",
            Kind = "Job",
            Metadata = PlacementMetadata(manifest),
            Spec = new V1JobSpec
            {
                Parallelism = manifest.Replicas,
                Completions = manifest.Replicas,
                BackoffLimit = 3,
                // No selector: the Job controller generates a unique one, as Kubernetes recommends.
                Template = PodTemplate(manifest, restartPolicy: "Never"),
            },
        };
    }
}
