using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using ControlPlane.Application.Slos;

namespace ControlPlane.Infrastructure.Slos;

/// <summary>
/// Instant queries over Prometheus' HTTP API (POST /api/v1/query, form-encoded, so long batched queries fit). Every
/// failure — refused, timed out, non-2xx, an error status in the body — becomes a <see cref="PrometheusUnavailableException"/>
/// with the reason the SLO shows.
/// </summary>
internal sealed class PrometheusHttpQueries(HttpClient http) : IPrometheusQueries
{
    public async Task<IReadOnlyList<PrometheusSample>> QueryAsync(PrometheusConnection prometheus, string query, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(prometheus.BaseUrl.ToString().TrimEnd('/') + "/api/v1/query"))
        {
            Content = new FormUrlEncodedContent([KeyValuePair.Create("query", query)]),
        };
        if (prometheus.BearerToken is { } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            using var json = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken);
            var root = json.RootElement;
            if (!response.IsSuccessStatusCode || root.GetProperty("status").GetString() != "success")
            {
                var error = root.TryGetProperty("error", out var e) ? e.GetString() : null;
                throw new PrometheusUnavailableException($"HTTP {(int)response.StatusCode}: {error ?? "no error message"}");
            }

            return [.. root.GetProperty("data").GetProperty("result").EnumerateArray().Select(Sample)];
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new PrometheusUnavailableException($"no answer within {http.Timeout.TotalSeconds:0.#} s", ex);
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new PrometheusUnavailableException(ex.Message, ex);
        }
    }

    private static PrometheusSample Sample(JsonElement element)
    {
        var labels = element.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "", StringComparer.Ordinal);
        var text = element.GetProperty("value")[1].GetString();
        return new PrometheusSample(labels, double.Parse(text!, NumberStyles.Float, CultureInfo.InvariantCulture));
    }
}
