using System.Text.RegularExpressions;
using ControlPlane.Application.Common;
using ControlPlane.Domain.Common;
using ControlPlane.Domain.Placements;
using ControlPlane.Domain.Quotas;
using ControlPlane.Domain.Scheduling;

namespace ControlPlane.Application.Placements;

/// <summary>Turns a create request into a spec, or a 400 naming every bad field.</summary>
internal static partial class PlacementValidation
{
    public const int MaxReplicas = 1000;
    private const int MaxListEntries = 100;

    public const string ImageRule = "a container image reference without spaces (at most 1000 characters)";

    /// <summary>A container image reference as placements and rollouts accept it.</summary>
    public static bool IsValidImage(string? image) => !string.IsNullOrWhiteSpace(image) && image.Length <= 1000 && !image.Any(char.IsWhiteSpace);

    public static PlacementSpec ToSpec(CreatePlacementRequest request)
    {
        var errors = new FieldErrors();
        errors.AddIf(!ResourceName.IsValid(request.Name), "name", ResourceName.Rule);
        errors.AddIf(request.Kind is null, "kind", "is required: inference, training or batch");
        errors.AddIf(!IsValidImage(request.Image), "image", ImageRule);
        errors.AddIf(request.Command?.Count > MaxListEntries, "command", $"at most {MaxListEntries} entries");
        errors.AddIf(request.Args?.Count > MaxListEntries, "args", $"at most {MaxListEntries} entries");
        errors.AddIf(request.Env?.Count > MaxListEntries, "env", $"at most {MaxListEntries} variables");
        foreach (var key in request.Env?.Keys ?? [])
        {
            errors.AddIf(!EnvName().IsMatch(key) || key.StartsWith("CONTROLPLANE_", StringComparison.Ordinal), $"env.{key}",
                "a variable name ([A-Za-z_][A-Za-z0-9_]*), not starting with CONTROLPLANE_ (reserved)");
        }

        var replicas = request.Replicas ?? new ReplicaBounds(1);
        ValidateReplicas(errors, replicas);
        var resources = request.Resources;
        if (resources is null)
        {
            errors.Add("resources", "is required: {gpuModel, gpusPerReplica} or {migProfile}");
        }
        else
        {
            ValidateResources(errors, resources);
        }

        errors.AddIf(request.Model is not null && request.Kind is not (null or PlacementKind.Inference), "model",
            "only inference placements serve a model version");
        errors.AddIf(request.Kind is PlacementKind.Training or PlacementKind.Batch && replicas.Max is { } jobMax && jobMax != replicas.Min,
            "replicas.max", "training and batch placements run exactly min replicas; autoscaling bounds are for inference");
        ValidateAutoscaling(errors, request.Autoscaling, request.Kind);
        for (var i = 0; i < (request.Regions?.Count ?? 0); i++)
        {
            errors.AddIf(!ResourceName.IsValid(request.Regions![i]), $"regions[{i}]", "a region " + ResourceName.Rule);
        }

        errors.ThrowIfAny();
        return new PlacementSpec(request.Kind!.Value, request.Image, request.Command ?? [], request.Args ?? [],
            request.Env ?? new Dictionary<string, string>(), replicas.Min, replicas.Max ?? replicas.Min,
            resources!.MigProfile is null ? resources.GpuModel!.ToLowerInvariant() : null,
            resources.MigProfile is null ? resources.GpusPerReplica ?? 1 : 1, resources.MigProfile?.ToLowerInvariant(),
            resources.Cpu, resources.Memory, request.Priority ?? PlacementPriority.Normal, request.Interruptible,
            request.Regions ?? [], request.Autoscaling);
    }

    /// <summary>CPU utilisation needs only its target (default 70 %); a pods metric needs its name and an average value.</summary>
    private static void ValidateAutoscaling(FieldErrors errors, PlacementAutoscaling? autoscaling, PlacementKind? kind)
    {
        if (autoscaling is null)
        {
            return;
        }

        errors.AddIf(kind is not (null or PlacementKind.Inference), "autoscaling", "only inference placements autoscale");
        if (autoscaling.Metric == AutoscalingMetric.CpuUtilization)
        {
            errors.AddIf(autoscaling.TargetCpuUtilizationPercent is < 1 or > 100, "autoscaling.targetCpuUtilizationPercent", "must be between 1 and 100");
            errors.AddIf(autoscaling.MetricName is not null || autoscaling.TargetAverageValue is not null, "autoscaling.metricName",
                "metricName and targetAverageValue are for metric pods-metric");
            return;
        }

        errors.AddIf(autoscaling.TargetCpuUtilizationPercent is not null, "autoscaling.targetCpuUtilizationPercent", "is for metric cpu-utilization");
        errors.AddIf(autoscaling.MetricName is null || autoscaling.MetricName.Length > 200 || !MetricName().IsMatch(autoscaling.MetricName),
            "autoscaling.metricName", "is required: the per-pod metric's name as the Prometheus adapter serves it, e.g. inference_queue_length");
        errors.AddIf(autoscaling.TargetAverageValue is null || !Quantity().IsMatch(autoscaling.TargetAverageValue), "autoscaling.targetAverageValue",
            "is required: the average per pod to hold, a Kubernetes quantity such as 10 or 500m");
    }

    public static void ValidateReplicas(FieldErrors errors, ReplicaBounds replicas)
    {
        errors.AddIf(replicas.Min is < 1 or > MaxReplicas, "replicas.min", $"must be between 1 and {MaxReplicas}");
        errors.AddIf(replicas.Max is { } max && (max < replicas.Min || max > MaxReplicas), "replicas.max", $"must be between min and {MaxReplicas}");
    }

    private static void ValidateResources(FieldErrors errors, PlacementResources resources)
    {
        if (resources.MigProfile is { } profile)
        {
            errors.AddIf(resources.GpuModel is not null, "resources.gpuModel", "give either gpuModel + gpusPerReplica or migProfile, not both");
            errors.AddIf(!QuotaResource.IsValid(QuotaResource.Mig(profile)), "resources.migProfile", "a MIG profile such as 1g.10gb");
            errors.AddIf(resources.GpusPerReplica is not (null or 1), "resources.gpusPerReplica", "a MIG replica uses exactly one slice");
        }
        else
        {
            errors.AddIf(resources.GpuModel is null || !QuotaResource.IsValid(QuotaResource.Gpu(resources.GpuModel)), "resources.gpuModel",
                "is required (e.g. h100), or give migProfile");
            errors.AddIf(resources.GpusPerReplica is < 1 or > 16, "resources.gpusPerReplica", "must be between 1 and 16");
        }

        errors.AddIf(resources.Cpu is not null && !Quantity().IsMatch(resources.Cpu), "resources.cpu", "a Kubernetes quantity such as 500m or 8");
        errors.AddIf(resources.Memory is not null && !Quantity().IsMatch(resources.Memory), "resources.memory", "a Kubernetes quantity such as 64Gi");
    }

    [GeneratedRegex("^[a-zA-Z_:][a-zA-Z0-9_:]*$", RegexOptions.CultureInvariant)]
    private static partial Regex MetricName();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,127}$", RegexOptions.CultureInvariant)]
    private static partial Regex EnvName();

    [GeneratedRegex(@"^[0-9]{1,9}(\.[0-9]{1,3})?(m|k|M|G|T|Ki|Mi|Gi|Ti)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Quantity();
}
