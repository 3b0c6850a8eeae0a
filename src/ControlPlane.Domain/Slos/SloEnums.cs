namespace ControlPlane.Domain.Slos;

/// <summary>What an SLO measures.</summary>
public enum SloIndicatorKind
{
    /// <summary>Requests that did not fail (non-5xx, not aborted) over all requests, from a metrics preset.</summary>
    Availability,

    /// <summary>Requests served within thresholdSeconds over all requests, from a histogram bucket of a metrics preset.</summary>
    Latency,

    /// <summary>Five-minute slices whose cost per 1,000 inferences stays under the limit, from the control plane's own metering.</summary>
    Cost,
}

/// <summary>Which exporter's metric and label names an SLO reads; fixes every series the control plane queries.</summary>
public enum MetricsPreset
{
    /// <summary>OpenTelemetry HTTP server semantic conventions as exported to Prometheus (http_server_request_duration_seconds).</summary>
    OtelHttp,

    /// <summary>vLLM's /metrics (vllm:request_success_total, vllm:e2e_request_latency_seconds).</summary>
    Vllm,

    /// <summary>NVIDIA Triton Inference Server's /metrics (nv_inference_request_success/failure, nv_inference_first_response_histogram_ms).</summary>
    Triton,
}

/// <summary>What an SLO's evaluation concluded.</summary>
public enum SloState
{
    /// <summary>Not evaluated yet, or no series / Prometheus unreachable: no remediation acts on it.</summary>
    NoData,

    /// <summary>Budget left and no burn-rate alert firing.</summary>
    Healthy,

    /// <summary>A burn-rate alert fires: the budget is being spent faster than the window allows.</summary>
    Burning,

    /// <summary>The whole window's budget is spent.</summary>
    Exhausted,
}

/// <summary>When a remediation rule acts.</summary>
public enum RemediationTrigger
{
    /// <summary>A page-severity burn-rate alert fires (14.4× over 1h and 5m, or 6× over 6h and 30m, for a 30-day window).</summary>
    FastBurn,

    /// <summary>A ticket-severity burn-rate alert fires (3× over 1d and 2h, or 1× over 3d and 6h).</summary>
    SlowBurn,

    /// <summary>The window's error budget is spent.</summary>
    BudgetExhausted,
}

/// <summary>What a remediation rule does while its trigger holds (and undoes when it stops holding).</summary>
public enum RemediationAction
{
    /// <summary>Raise the placement's replica floor to its maximum, within quota and pool capacity.</summary>
    ScaleToMax,

    /// <summary>Send a share of the placement's traffic to another placement of the same tenant (HTTPRoute backend weights).</summary>
    Fallback,

    /// <summary>Refuse new rollouts of the placement (409 naming the SLO).</summary>
    FreezeRollouts,
}
