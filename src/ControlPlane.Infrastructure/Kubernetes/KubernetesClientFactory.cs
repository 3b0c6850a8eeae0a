using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ControlPlane.Application.Clusters;
using k8s;

namespace ControlPlane.Infrastructure.Kubernetes;

/// <summary>Builds a KubernetesClient for a <see cref="ClusterConnection"/>: its kubeconfig, or its URL + bearer token + CA bundle.</summary>
internal static class KubernetesClientFactory
{
    /// <exception cref="ClusterRejectedException">The connection is incomplete or its credentials cannot be loaded.</exception>
    public static IKubernetes Create(ClusterConnection connection, TimeSpan requestTimeout)
    {
        KubernetesClientConfiguration configuration;
        try
        {
            configuration = connection.Kubeconfig is { Length: > 0 } kubeconfig ? KubeconfigLoader.Load(kubeconfig) : FromUrlAndToken(connection);
        }
        catch (InvalidOperationException ex)
        {
            throw new ClusterRejectedException($"The connection of cluster '{connection.Name}' is not usable: {ex.Message}.");
        }

        configuration.HttpClientTimeout = requestTimeout;
        return new k8s.Kubernetes(configuration);
    }

    private static KubernetesClientConfiguration FromUrlAndToken(ClusterConnection connection)
    {
        if (connection.ApiServerUrl is null || string.IsNullOrEmpty(connection.BearerToken))
        {
            throw new InvalidOperationException("it has neither a kubeconfig nor an API server URL with a bearer token");
        }

        // Refused at registration; this guards rows stored before that check (HttpClient would throw a FormatException).
        if (KubeconfigLoader.HasControlCharacters(connection.BearerToken))
        {
            throw new InvalidOperationException("its bearer token contains control characters (CR, LF, NUL, …)");
        }

        return new KubernetesClientConfiguration
        {
            Host = connection.ApiServerUrl.ToString(),
            AccessToken = connection.BearerToken,
            SslCaCerts = connection.CaCertificatePem is { Length: > 0 } pem ? ParseCaBundle(pem) : null,
        };
    }

    private static X509Certificate2Collection ParseCaBundle(string pem)
    {
        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPem(pem);
        }
        catch (CryptographicException)
        {
            throw new InvalidOperationException("its CA bundle is not valid PEM");
        }

        // ImportFromPem silently skips non-certificate blocks: a bundle without any certificate would trust nothing.
        return certificates.Count > 0 ? certificates : throw new InvalidOperationException("its CA bundle holds no certificate");
    }
}
