using System.Text.Json;
using ControlPlane.Application.Clusters;
using k8s;
using k8s.Autorest;

namespace ControlPlane.Infrastructure.Kubernetes;

/// <summary>
/// Reads the cluster's service-account issuer from <c>/.well-known/openid-configuration</c> through the client's own
/// HttpClient and credentials (TLS trust and bearer token as for every other call). KubernetesClient's generated
/// WellKnown operation cannot be used: it expects the document to be a JSON string and fails on the object.
/// </summary>
internal static class ServiceAccountIssuerDiscovery
{
    private const string Path = ".well-known/openid-configuration";

    public static async Task<string> DiscoverAsync(IKubernetes client, CancellationToken cancellationToken)
    {
        var kubernetes = client as k8s.Kubernetes
            ?? throw new InvalidOperationException("Issuer discovery needs the KubernetesClient implementation of IKubernetes.");
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(kubernetes.BaseUri, Path));
        if (kubernetes.Credentials is { } credentials)
        {
            await credentials.ProcessHttpRequestAsync(request, cancellationToken);
        }

        using var response = await kubernetes.HttpClient.SendAsync(request, cancellationToken);
        var content = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            // Through the same translation as every typed call: 5xx is transient, 401/403/404 a refusal.
            throw new HttpOperationException($"GET /{Path} answered {(int)response.StatusCode}")
            {
                Response = new HttpResponseMessageWrapper(response, content),
            };
        }

        try
        {
            using var document = JsonDocument.Parse(content);
            return document.RootElement.TryGetProperty("issuer", out var issuer) && issuer.GetString() is { Length: > 0 } value
                ? value
                : throw new ClusterRejectedException($"The cluster's /{Path} names no issuer.");
        }
        catch (JsonException)
        {
            throw new ClusterRejectedException($"The cluster's /{Path} is not a JSON document.");
        }
    }
}
