namespace ControlPlane.Application.Clusters;

/// <summary>Configuration section "Clusters".</summary>
public sealed class ClusterOptions
{
    public const string Section = "Clusters";

    /// <summary>Accept http:// API servers (development and tests, where the cluster is the in-process emulator).</summary>
    public bool AllowInsecureApiServers { get; set; }

    /// <summary>How often every cluster's nodes are read to refresh node-pool capacity.</summary>
    public TimeSpan SyncInterval { get; set; } = TimeSpan.FromMinutes(1);
}
