namespace ControlPlane.Application.Slos;

/// <summary>How to reach one cluster's Prometheus. The token is decrypted only for the call.</summary>
public sealed record PrometheusConnection(string Cluster, Uri BaseUrl, string? BearerToken);

/// <summary>One element of an instant vector: its labels and value.</summary>
public sealed record PrometheusSample(IReadOnlyDictionary<string, string> Labels, double Value);

/// <summary>Instant queries against a cluster's Prometheus (HTTP API /api/v1/query), behind a port.</summary>
public interface IPrometheusQueries
{
    /// <summary>Evaluates <paramref name="query"/> now; throws <see cref="PrometheusUnavailableException"/> when it cannot.</summary>
    Task<IReadOnlyList<PrometheusSample>> QueryAsync(PrometheusConnection prometheus, string query, CancellationToken cancellationToken);
}

/// <summary>Prometheus could not answer (unreachable, slow, an error status): the SLO shows no-data with this reason.</summary>
public sealed class PrometheusUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
