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

    internal byte[] Protect(ClusterCredentials credentials) => protector.Protect(JsonSerializer.SerializeToUtf8Bytes(credentials));
}
