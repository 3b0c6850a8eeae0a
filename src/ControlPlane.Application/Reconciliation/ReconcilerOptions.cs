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
}
