namespace ControlPlane.Domain.Placements;

/// <summary>The metric a placement's HorizontalPodAutoscaler scales on.</summary>
public enum AutoscalingMetric
{
    /// <summary>Average CPU utilisation of the pods, as a percentage of their CPU request (the default).</summary>
    CpuUtilization,

    /// <summary>
    /// A per-pod custom metric served by the Prometheus adapter (custom.metrics.k8s.io), e.g. queue length or in-flight
    /// requests, scaled to an average value per pod.
    /// </summary>
    PodsMetric,
}

/// <summary>How an inference placement scales between its replica bounds.</summary>
/// <param name="Metric">What to scale on.</param>
/// <param name="TargetCpuUtilizationPercent">cpu-utilization: the average utilisation to hold (1–100).</param>
/// <param name="MetricName">pods-metric: the metric's name as the adapter serves it, e.g. inference_queue_length.</param>
/// <param name="TargetAverageValue">pods-metric: the average per pod to hold, a Kubernetes quantity such as "10" or "500m".</param>
public sealed record PlacementAutoscaling(AutoscalingMetric Metric, int? TargetCpuUtilizationPercent = null, string? MetricName = null,
    string? TargetAverageValue = null)
{
    /// <summary>The target when none is given for CPU utilisation.</summary>
    public const int DefaultCpuUtilizationPercent = 70;
}
