namespace ControlPlane.Domain.Rollouts;

/// <summary>One canary step: send <paramref name="Weight"/>% of the traffic to the canary, then hold for <paramref name="PauseSeconds"/>.</summary>
public sealed record RolloutStep(int Weight, int PauseSeconds);

/// <summary>Canary steps, or a shadow mirror of <paramref name="MirrorPercent"/>% of the requests for <paramref name="DurationSeconds"/>.</summary>
public sealed record RolloutStrategy(RolloutStrategyType Type, IReadOnlyList<RolloutStep> Steps, int? MirrorPercent, int? DurationSeconds)
{
    /// <summary>The holds the rollout goes through: the canary's steps, or the shadow's single mirrored period.</summary>
    public int StepCount => Type == RolloutStrategyType.Canary ? Steps.Count : 1;

    /// <summary>How long step <paramref name="index"/> holds before it may advance.</summary>
    public TimeSpan Pause(int index) => TimeSpan.FromSeconds(Type == RolloutStrategyType.Canary ? Steps[index].PauseSeconds : DurationSeconds!.Value);

    /// <summary>The user-facing canary weight at step <paramref name="index"/>: always 0 for a shadow.</summary>
    public int WeightAt(int index) => Type == RolloutStrategyType.Canary ? Steps[index].Weight : 0;
}

/// <summary>
/// One analysis gate. Limits by metric: error-rate <paramref name="Max"/> (ratio), latency-p95 <paramref name="MaxSeconds"/>,
/// slo-burn-rate <paramref name="Max"/> for SLO <paramref name="Slo"/>, custom metric <paramref name="Name"/> aggregated by
/// <paramref name="Aggregation"/> with <paramref name="Min"/>/<paramref name="Max"/> and/or <paramref name="MinRelativeToStable"/>,
/// cost-per-1k-inferences at most <paramref name="MaxIncreasePercent"/> above the stable variant's.
/// </summary>
public sealed record AnalysisGate(GateMetric Metric, double? Max = null, double? MaxSeconds = null, string? Slo = null, string? Name = null,
    CustomAggregation? Aggregation = null, double? Min = null, double? MinRelativeToStable = null, double? MaxIncreasePercent = null);

/// <summary>How the rollout is judged: every <paramref name="IntervalSeconds"/>, the gates; rolled back after more than <paramref name="FailureLimit"/> failed runs.</summary>
/// <param name="Metrics">The metrics preset whose series error-rate and latency-p95 read (otel-http, vllm, triton).</param>
/// <param name="InconclusiveIsFailure">Count inconclusive runs (no data, Prometheus unreachable) against the failure limit.</param>
public sealed record RolloutAnalysis(int IntervalSeconds, int FailureLimit, Slos.MetricsPreset Metrics, IReadOnlyList<AnalysisGate> Gates,
    bool InconclusiveIsFailure);

/// <summary>One gate's measurement in a run: both variants' values, the limit applied to the canary, and the verdict with why.</summary>
public sealed record GateMeasurement(GateMetric Metric, string Gate, double? Canary, double? Stable, double? Limit, GateVerdict Verdict, string Reason);

/// <summary>One analysis run at <paramref name="At"/> during step <paramref name="Step"/>: a fail when any gate failed, else inconclusive when any was.</summary>
public sealed record AnalysisRun(DateTimeOffset At, int Step, GateVerdict Verdict, IReadOnlyList<GateMeasurement> Gates);

/// <summary>What the rollout moves the placement to: a model version (resolved to its digest at start) and/or an image.</summary>
public sealed record RolloutTarget(string Image, string? ModelName, int? ModelVersion, string? ModelDigest);
