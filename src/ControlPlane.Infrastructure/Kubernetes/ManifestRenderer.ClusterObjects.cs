using ControlPlane.Application.Clusters;
using k8s.Models;

namespace ControlPlane.Infrastructure.Kubernetes;

public static partial class ManifestRenderer
{
    /// <summary>A PriorityClass the control plane owns: never the cluster default, <c>Never</c> preemption for classes that must not evict.</summary>
    public static V1PriorityClass PriorityClass(OwnedPriorityClass owned)
    {
        ArgumentNullException.ThrowIfNull(owned);
        return new V1PriorityClass
        {
            ApiVersion = "scheduling.k8s.io/v1",
            Kind = "PriorityClass",
            Metadata = new V1ObjectMeta
            {
                Name = owned.Name,
                Labels = new Dictionary<string, string>(StringComparer.Ordinal) { [ManifestLabels.ManagedBy] = ManifestLabels.ManagedByValue },
            },
            Value = owned.Value,
            PreemptionPolicy = PreemptionPolicy(owned),
            GlobalDefault = false,
            Description = owned.Description,
        };
    }

    /// <summary>The API's name for whether a class preempts.</summary>
    public static string PreemptionPolicy(OwnedPriorityClass owned) => owned.Preempts ? "PreemptLowerPriority" : "Never";
}
