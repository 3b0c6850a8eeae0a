namespace ControlPlane.Infrastructure.Kubernetes;

/// <summary>The label keys and values the control plane stamps on every object it writes to a cluster.</summary>
public static class ManifestLabels
{
    /// <summary>Marks objects as owned by the control plane, the standard way tooling recognises.</summary>
    public const string ManagedBy = "app.kubernetes.io/managed-by";

    /// <summary>The value of <see cref="ManagedBy"/>; also the server-side apply field manager.</summary>
    public const string ManagedByValue = "controlplane";

    /// <summary>The tenant an object belongs to.</summary>
    public const string Tenant = "controlplane.io/tenant";

    /// <summary>The placement a workload object (and its pods) belongs to.</summary>
    public const string Placement = "controlplane.io/placement";

    /// <summary>The tenant's isolation tier, on its namespace.</summary>
    public const string IsolationTier = "controlplane.io/isolation-tier";

    /// <summary>On pods that may run on spot capacity and be preempted.</summary>
    public const string Interruptible = "controlplane.io/interruptible";

    /// <summary>The taint key of spot node pools.</summary>
    public const string CapacityType = "controlplane.io/capacity-type";

    /// <summary>Pod Security Admission level enforced in the tenant namespace.</summary>
    public const string PodSecurityEnforce = "pod-security.kubernetes.io/enforce";

    /// <summary>The placement id, as an annotation on workload objects, to map them back to the control plane's row.</summary>
    public const string PlacementIdAnnotation = "controlplane.io/placement-id";
}
