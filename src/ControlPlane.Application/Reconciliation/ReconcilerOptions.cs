namespace ControlPlane.Application.Reconciliation;

/// <summary>Configuration section "Reconciler".</summary>
public sealed class ReconcilerOptions
{
    public const string Section = "Reconciler";

    /// <summary>Run the reconcile, observe and capacity-sync workers in this process.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How long to wait between polls of the outbox when it was empty.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How often the cluster's view of running placements is read back.</summary>
    public TimeSpan ObserveInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a leased request stays invisible to other replicas; a dead worker's lease expires after this.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Requests leased per poll.</summary>
    public int BatchSize { get; set; } = 32;

    /// <summary>Requests processed at once by one replica.</summary>
    public int Parallelism { get; set; } = 8;

    /// <summary>First retry delay; doubles per attempt (with jitter) up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The control plane's token endpoint as pods reach it (they exchange their service-account token there).</summary>
    public string WorkloadTokenEndpoint { get; set; } = "http://controlplane.controlplane.svc.cluster.local/connect/token";

    /// <summary>CIDRs of the object store that tenant namespaces may reach despite default-deny egress.</summary>
    public List<string> ObjectStoreEgressCidrs { get; set; } = [];

    /// <summary>Egress tenant pods get to the control plane (for <see cref="WorkloadTokenEndpoint"/>) despite default deny.</summary>
    public ControlPlaneEgressOptions ControlPlaneEgress { get; set; } = new();
}

/// <summary>
/// Configuration section "Reconciler:ControlPlaneEgress". Empty means: derived from the token endpoint's in-cluster URL.
/// </summary>
public sealed class ControlPlaneEgressOptions
{
    /// <summary>The port the Helm chart's control-plane pods listen on (its Service maps port 80 to it).</summary>
    public const int ChartContainerPort = 8080;

    /// <summary>CIDRs of the control plane (when it runs outside the cluster, or behind a load balancer).</summary>
    public List<string> Cidrs { get; set; } = [];

    /// <summary>Ports to allow; default: the token endpoint URL's port and <see cref="ChartContainerPort"/>.</summary>
    public List<int> Ports { get; set; } = [];

    /// <summary>Namespace of the control plane's pods; default: from the URL (&lt;service&gt;.&lt;namespace&gt;.svc).</summary>
    public string? Namespace { get; set; }

    /// <summary>Labels of the control plane's pods; default: app.kubernetes.io/name=&lt;service&gt;.</summary>
    public Dictionary<string, string> PodLabels { get; set; } = [];
}
