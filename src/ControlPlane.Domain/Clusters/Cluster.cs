using ControlPlane.Domain.Common;

namespace ControlPlane.Domain.Clusters;

/// <summary>A GPU Kubernetes cluster the control plane places workloads on.</summary>
public sealed class Cluster
{
    private Cluster()
    {
    }

    public Guid Id { get; private set; }
    public string Name { get; private set; } = "";
    public string Region { get; private set; } = "";

    /// <summary>The API server URL (kept in clear for display; the credentials are not).</summary>
    public string? ApiServerUrl { get; private set; }

    /// <summary>Bearer token + CA, or a kubeconfig, encrypted with the configured credential key (AES-GCM).</summary>
    public byte[] EncryptedCredentials { get; private set; } = [];

    /// <summary>
    /// The issuer (iss) of the cluster's service-account tokens. Workload token exchange accepts a projected token only
    /// from a registered issuer, and verifies it with TokenReview against that cluster.
    /// </summary>
    public string? ServiceAccountIssuer { get; private set; }

    /// <summary>The cluster's Prometheus (or Thanos/Cortex query endpoint), which SLIs of its placements are read from.</summary>
    public string? PrometheusUrl { get; private set; }

    /// <summary>The bearer token for <see cref="PrometheusUrl"/>, encrypted like the cluster's credentials; null when none is needed.</summary>
    public byte[]? EncryptedPrometheusToken { get; private set; }

    /// <summary>The Gateway (Gateway API) the placements' HTTPRoutes attach to, as namespace and name; null when none is registered.</summary>
    public string? GatewayNamespace { get; private set; }
    public string? GatewayName { get; private set; }

    /// <summary>Physical isolation: only this tenant's placements land here.</summary>
    public string? DedicatedTenant { get; private set; }
    public bool Reachable { get; private set; }
    public DateTimeOffset? LastSyncAt { get; private set; }
    public string? LastSyncError { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public uint Version { get; private set; }

    public static Cluster Register(string name, string region, string? apiServerUrl, byte[] encryptedCredentials,
        string? dedicatedTenant, string? serviceAccountIssuer, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        Name = name,
        Region = region,
        ApiServerUrl = apiServerUrl,
        EncryptedCredentials = encryptedCredentials,
        DedicatedTenant = dedicatedTenant,
        ServiceAccountIssuer = serviceAccountIssuer,
        Reachable = true,
        CreatedAt = now,
        UpdatedAt = now,
    };

    public void Update(string? region, string? apiServerUrl, byte[]? encryptedCredentials, string? dedicatedTenant,
        bool clearDedicatedTenant, string? serviceAccountIssuer, bool clearServiceAccountIssuer, DateTimeOffset now)
    {
        Region = region ?? Region;
        ApiServerUrl = apiServerUrl ?? ApiServerUrl;
        EncryptedCredentials = encryptedCredentials ?? EncryptedCredentials;
        DedicatedTenant = clearDedicatedTenant ? null : dedicatedTenant ?? DedicatedTenant;
        ServiceAccountIssuer = clearServiceAccountIssuer ? null : serviceAccountIssuer ?? ServiceAccountIssuer;
        UpdatedAt = now;
    }

    /// <summary>Registers (or, with a null URL, removes) the cluster's Prometheus.</summary>
    public void UsePrometheus(string? url, byte[]? encryptedToken, DateTimeOffset now)
    {
        PrometheusUrl = url;
        EncryptedPrometheusToken = url is null ? null : encryptedToken;
        UpdatedAt = now;
    }

    /// <summary>Registers (or, with null, removes) the Gateway that HTTPRoutes of placements on this cluster attach to.</summary>
    public void UseGateway(string? ns, string? name, DateTimeOffset now)
    {
        GatewayNamespace = name is null ? null : ns;
        GatewayName = name;
        UpdatedAt = now;
    }

    public void Synced(DateTimeOffset now)
    {
        Reachable = true;
        LastSyncAt = now;
        LastSyncError = null;
        UpdatedAt = now;
    }

    public void SyncFailed(string error, DateTimeOffset now)
    {
        Reachable = false;
        LastSyncError = StatusMessage.Fit(error);
        UpdatedAt = now;
    }
}
