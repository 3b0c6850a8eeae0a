using System.Text.Json;
using ControlPlane.Application.Abstractions;
using ControlPlane.Domain.Clusters;

namespace ControlPlane.Application.Clusters;

/// <summary>Turns a cluster row into a connection: the credentials are decrypted only here, only for the call.</summary>
public sealed class ClusterConnections(ICredentialProtector protector)
{
    public ClusterConnection For(Cluster cluster)
    {
        var credentials = JsonSerializer.Deserialize<ClusterCredentials>(protector.Unprotect(cluster.EncryptedCredentials))
            ?? throw new InvalidOperationException($"Cluster '{cluster.Name}' has no credentials.");
        return new ClusterConnection(cluster.Name, cluster.ApiServerUrl is null ? null : new Uri(cluster.ApiServerUrl),
            credentials.BearerToken, credentials.CaCertificatePem, credentials.Kubeconfig);
    }

    /// <summary>How to query the cluster's Prometheus; null when none is registered.</summary>
    public Slos.PrometheusConnection? PrometheusFor(Cluster cluster) => cluster.PrometheusUrl is null ? null
        : new Slos.PrometheusConnection(cluster.Name, new Uri(cluster.PrometheusUrl),
            cluster.EncryptedPrometheusToken is null ? null : System.Text.Encoding.UTF8.GetString(protector.Unprotect(cluster.EncryptedPrometheusToken)));

    internal byte[] ProtectSecret(string secret) => protector.Protect(System.Text.Encoding.UTF8.GetBytes(secret));

    internal byte[] Protect(ClusterCredentials credentials) => protector.Protect(JsonSerializer.SerializeToUtf8Bytes(credentials));
}
