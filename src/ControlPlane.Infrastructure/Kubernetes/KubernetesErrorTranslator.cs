using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using ControlPlane.Application.Clusters;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace ControlPlane.Infrastructure.Kubernetes;

/// <summary>
/// Runs a Kubernetes API call and turns its failures into the port's two outcomes: transient
/// (<see cref="ClusterUnavailableException"/>, retry) or final (<see cref="ClusterRejectedException"/>).
/// </summary>
internal static class KubernetesErrorTranslator
{
    public static async Task<T> RunAsync<T>(string cluster, string operation, Func<Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call();
        }
        catch (HttpOperationException ex)
        {
            throw Translate(cluster, operation, ex);
        }
        catch (HttpRequestException ex)
        {
            throw new ClusterUnavailableException($"Cluster '{cluster}' could not be reached to {operation}: {ex.Message}", ex);
        }
        catch (SocketException ex)
        {
            throw new ClusterUnavailableException($"Cluster '{cluster}' could not be reached to {operation}: {ex.Message}", ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Not the caller's cancellation, so the client's own request timeout fired.
            throw new ClusterUnavailableException($"Cluster '{cluster}' did not answer in time to {operation}.", ex);
        }
    }

    /// <summary>True when the call failed because the object does not exist.</summary>
    public static bool IsNotFound(HttpOperationException ex) => ex.Response?.StatusCode == HttpStatusCode.NotFound;

    private static Exception Translate(string cluster, string operation, HttpOperationException ex)
    {
        var code = (int?)ex.Response?.StatusCode ?? 0;
        var reason = StatusMessage(ex.Response?.Content) ?? ex.Response?.ReasonPhrase ?? "no reason given";
        var message = $"Cluster '{cluster}' answered {code} to {operation}: {reason}";

        // Not chained as the inner exception: it keeps a copy of the request headers, bearer token included.
        return code is 409 or 429 or >= 500 or 0
            ? new ClusterUnavailableException(message)
            : new ClusterRejectedException(message);
    }

    /// <summary>The message of the V1Status body the API server answers errors with; null for other bodies (e.g. from a proxy).</summary>
    private static string? StatusMessage(string? content)
    {
        if (string.IsNullOrWhiteSpace(content))
        {
            return null;
        }

        try
        {
            return KubernetesJson.Deserialize<V1Status>(content)?.Message;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
