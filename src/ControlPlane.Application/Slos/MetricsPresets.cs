using System.Globalization;
using ControlPlane.Domain.Slos;

namespace ControlPlane.Application.Slos;

/// <summary>
/// The exact series a metrics preset reads. Every series must carry the <c>namespace</c> and <c>pod</c> labels that
/// Prometheus' Kubernetes service discovery attaches; the control plane confines each query to the placement's namespace
/// and to pod names of the placement's Deployment (&lt;placement&gt;-&lt;replica-set hash&gt;-&lt;pod suffix&gt;).
/// </summary>
/// <param name="ErrorSelector">Metric name regex and extra matcher selecting failed requests.</param>
/// <param name="TotalSelector">Metric name regex and extra matcher selecting all requests.</param>
/// <param name="BucketMetric">The latency histogram's _bucket series.</param>
/// <param name="SecondsToLe">Multiplier from a threshold in seconds to the histogram's le unit (1000 for milliseconds).</param>
public sealed record PresetSeries(SeriesSelector ErrorSelector, SeriesSelector TotalSelector, string BucketMetric, double SecondsToLe)
{
    /// <summary>A latency threshold as a matcher value for le: exporters write 0.3 as "0.3" and 1 as "1" or "1.0".</summary>
    public string LeRegex(double thresholdSeconds)
    {
        var text = (thresholdSeconds * SecondsToLe).ToString("0.#########", CultureInfo.InvariantCulture);
        return (text.Contains('.', StringComparison.Ordinal) ? text.Replace(".", "\\\\.", StringComparison.Ordinal) + "0*" : text + "(\\\\.0*)?");
    }
}

/// <summary>Series whose name matches <see cref="NameRegex"/>, with an optional extra label matcher.</summary>
public sealed record SeriesSelector(string NameRegex, string? Matcher);

public static class MetricsPresets
{
    public static PresetSeries For(MetricsPreset preset) => preset switch
    {
        // OpenTelemetry semantic conventions (http.server.request.duration, seconds) through the Prometheus exporter.
        MetricsPreset.OtelHttp => new(
            new("http_server_request_duration_seconds_count", "http_response_status_code=~\"5..\""),
            new("http_server_request_duration_seconds_count", null),
            "http_server_request_duration_seconds_bucket", 1),

        // vLLM: finished requests by reason (stop, length, abort); an aborted request failed.
        MetricsPreset.Vllm => new(
            new("vllm:request_success_total", "finished_reason=\"abort\""),
            new("vllm:request_success_total", null),
            "vllm:e2e_request_latency_seconds_bucket", 1),

        // Triton: success and failure counters per model; the first-response histogram is in milliseconds.
        _ => new(
            new("nv_inference_request_failure", null),
            new("nv_inference_request_success|nv_inference_request_failure", null),
            "nv_inference_first_response_histogram_ms_bucket", 1000),
    };

    /// <summary>
    /// The pod names of a placement's Deployment. Anchored, and its two generated segments contain no '-', so placement
    /// "chat" never matches the pods of placement "chat-cpu".
    /// </summary>
    public static string PodRegex(string placement) => placement + "-" + PodSuffix;

    /// <summary>Recovers the placement from a pod name (label_replace), for queries grouped by placement.</summary>
    public const string PlacementFromPod = "(.+)-" + PodSuffix;

    private const string PodSuffix = "[a-z0-9]{1,10}-[a-z0-9]{5}";
}
