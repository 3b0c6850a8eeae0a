namespace ControlPlane.Application.Clusters;

/// <summary>A registered GPU cluster. Its credentials are never returned.</summary>
/// <param name="Id">Stable identifier.</param>
/// <param name="Name">DNS-1123 label, unique.</param>
/// <param name="Region">The region the cluster is in, e.g. eu-north1.</param>
/// <param name="ApiServerUrl">The Kubernetes API server URL.</param>
/// <param name="DedicatedTenant">For physical isolation: the only tenant placed here.</param>
/// <param name="ServiceAccountIssuer">The issuer of the cluster's service-account tokens, accepted by workload token exchange.</param>
/// <param name="Status">Reachability and capacity sync.</param>
/// <param name="CreatedAt">Registration time (UTC).</param>
/// <param name="UpdatedAt">Last change (UTC).</param>
/// <param name="Prometheus">The cluster's Prometheus, which SLOs of its placements are evaluated against (its token is never returned).</param>
public sealed record ClusterResponse(Guid Id, string Name, string Region, string? ApiServerUrl, string? DedicatedTenant,
    string? ServiceAccountIssuer, ClusterStatusResponse Status, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    ClusterPrometheusResponse? Prometheus, ClusterGatewayReference? Gateway = null);

/// <summary>The Gateway API Gateway that placements' HTTPRoutes (rollout weights and mirrors, SLO fallbacks) attach to.</summary>
/// <param name="Namespace">The Gateway's namespace (a DNS-1123 label).</param>
/// <param name="Name">The Gateway's name (a DNS-1123 label); an empty string in a PATCH removes the registration.</param>
public sealed record ClusterGatewayReference(string? Namespace, string? Name);

/// <summary>A cluster's registered Prometheus.</summary>
/// <param name="Url">The query endpoint's base URL (…/api/v1/query is appended).</param>
/// <param name="HasBearerToken">Whether a bearer token is stored (encrypted) for it.</param>
public sealed record ClusterPrometheusResponse(string Url, bool HasBearerToken);

/// <summary>Registers the cluster's Prometheus (or Thanos/Cortex query frontend).</summary>
/// <param name="Url">http(s) base URL; an empty string removes the registration. http only in the Development environment.</param>
/// <param name="BearerToken">Sent as Authorization: Bearer; encrypted at rest like the cluster's credentials, never returned.</param>
public sealed record ClusterPrometheusRequest(string? Url, string? BearerToken = null);

/// <summary>What the control plane last saw of the cluster.</summary>
/// <param name="Reachable">False when the last sync or reconcile could not reach the API server.</param>
/// <param name="LastSyncAt">When node capacity was last read (UTC).</param>
/// <param name="LastSyncError">Why the last sync failed, if it did.</param>
public sealed record ClusterStatusResponse(bool Reachable, DateTimeOffset? LastSyncAt, string? LastSyncError);

/// <summary>Registers a cluster: API server URL with a bearer token (and CA bundle), or a kubeconfig.</summary>
/// <param name="Name">DNS-1123 label, unique.</param>
/// <param name="Region">Region name (DNS-1123 label).</param>
/// <param name="ApiServerUrl">https URL of the API server (http only in the Development environment).</param>
/// <param name="BearerToken">A token of a service account allowed to manage tenant namespaces.</param>
/// <param name="CaCertificatePem">The API server's CA bundle (PEM).</param>
/// <param name="Kubeconfig">A kubeconfig (YAML), instead of URL + token + CA.</param>
/// <param name="DedicatedTenant">Physical isolation: dedicate the cluster to this tenant.</param>
/// <param name="ServiceAccountIssuer">
/// The cluster's service-account token issuer: pods of this cluster may then exchange their projected tokens at
/// /connect/token. Unique across clusters. When absent it is discovered from the cluster's
/// /.well-known/openid-configuration at registration; an empty string registers none (no workload token exchange).
/// </param>
public sealed record CreateClusterRequest(string Name, string Region, string? ApiServerUrl = null, string? BearerToken = null,
    string? CaCertificatePem = null, string? Kubeconfig = null, string? DedicatedTenant = null, string? ServiceAccountIssuer = null);

/// <summary>Changes a cluster; absent fields stay. New credentials replace the old ones entirely.</summary>
/// <param name="Region">New region.</param>
/// <param name="ApiServerUrl">New API server URL (send with BearerToken).</param>
/// <param name="BearerToken">New bearer token.</param>
/// <param name="CaCertificatePem">New CA bundle.</param>
/// <param name="Kubeconfig">New kubeconfig.</param>
/// <param name="DedicatedTenant">Dedicate to this tenant; an empty string removes the dedication.</param>
/// <param name="ServiceAccountIssuer">New service-account token issuer; an empty string stops token exchange for this cluster.</param>
/// <param name="Prometheus">The cluster's Prometheus, which SLIs of its placements are read from.</param>
/// <param name="Gateway">The Gateway HTTPRoutes attach to (parentRefs); an empty name removes it.</param>
public sealed record UpdateClusterRequest(string? Region = null, string? ApiServerUrl = null, string? BearerToken = null,
    string? CaCertificatePem = null, string? Kubeconfig = null, string? DedicatedTenant = null, string? ServiceAccountIssuer = null,
    ClusterPrometheusRequest? Prometheus = null, ClusterGatewayReference? Gateway = null);

/// <summary>The decrypted credentials, as stored (encrypted) in the cluster row.</summary>
internal sealed record ClusterCredentials(string? BearerToken, string? CaCertificatePem, string? Kubeconfig);
