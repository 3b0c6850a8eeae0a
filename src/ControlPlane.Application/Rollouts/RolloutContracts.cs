using ControlPlane.Application.Placements;
using ControlPlane.Domain.Rollouts;
using ControlPlane.Domain.Slos;

namespace ControlPlane.Application.Rollouts;

/// <summary>Starts a progressive rollout of a new model version and/or image on an inference placement.</summary>
/// <param name="Model">The model version to roll out, by number or alias (resolved to a digest now).</param>
/// <param name="Image">A new container image; absent keeps the placement's.</param>
/// <param name="Strategy">canary steps, or a shadow mirror.</param>
/// <param name="Analysis">How each step is judged.</param>
public sealed record StartRolloutRequest(PlacementModelReference? Model, string? Image, RolloutStrategyRequest? Strategy, RolloutAnalysisRequest? Analysis);

/// <summary>
/// {"type": "canary", "steps": [{"weight": 5, "pause": "5m"}, …]} or {"type": "shadow", "mirrorPercent": 10, "duration": "30m"}.
/// Durations: whole seconds, minutes or hours ("30s", "5m", "1h").
/// </summary>
/// <param name="Type">canary or shadow.</param>
/// <param name="Steps">Canary: 1 to 20 steps of weight (1 to 99 percent, increasing) and pause.</param>
/// <param name="MirrorPercent">Shadow: percent of requests mirrored to the new version (1 to 100); its responses are discarded.</param>
/// <param name="Duration">Shadow: how long it is mirrored and analysed before promotion.</param>
public sealed record RolloutStrategyRequest(RolloutStrategyType? Type, IReadOnlyList<RolloutStepRequest>? Steps = null, int? MirrorPercent = null,
    string? Duration = null);

/// <summary>One canary step.</summary>
/// <param name="Weight">Percent of user traffic on the canary during the step.</param>
/// <param name="Pause">How long the step holds (and must pass analysis) before the next.</param>
public sealed record RolloutStepRequest(int? Weight, string? Pause);

/// <summary>The analysis: every interval, every gate compares the canary with the stable variant.</summary>
/// <param name="Interval">How often ("1m", down to "1s").</param>
/// <param name="FailureLimit">Failed runs tolerated; one more rolls back (default 0).</param>
/// <param name="Metrics">The metrics preset error-rate and latency-p95 read (default otel-http).</param>
/// <param name="Gates">1 to 10 gates.</param>
/// <param name="InconclusiveIsFailure">Count runs without data (Prometheus unreachable, no traffic) as failures (default false: they only hold the step).</param>
public sealed record RolloutAnalysisRequest(string? Interval, int? FailureLimit = null, MetricsPreset? Metrics = null,
    IReadOnlyList<AnalysisGate>? Gates = null, bool InconclusiveIsFailure = false);

/// <summary>A rollout: what it rolls out, how, where it is and every analysis run with each gate's measurements.</summary>
/// <param name="Id">Its number on the placement (1, 2, …).</param>
/// <param name="Placement">The placement rolled out.</param>
/// <param name="Target">The new version and image.</param>
/// <param name="Previous">What the stable variant ran when it started.</param>
/// <param name="Strategy">Canary steps (pauses in seconds) or shadow.</param>
/// <param name="Analysis">Interval (seconds), failure limit, preset and gates.</param>
/// <param name="Status">Phase, step, weight, failed runs, the final reason and the runs.</param>
public sealed record RolloutResponse(int Id, string Tenant, string Placement, RolloutTarget Target, RolloutTarget Previous, RolloutStrategy Strategy,
    RolloutAnalysis Analysis, RolloutStatusResponse Status, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>Where a rollout is.</summary>
/// <param name="Phase">progressing, paused, promoted, rolled-back or aborted.</param>
/// <param name="Step">Current step (0-based).</param>
/// <param name="Weight">Percent of user traffic on the canary now.</param>
/// <param name="MirrorPercent">Percent of requests mirrored to the canary now (shadow).</param>
/// <param name="CanaryReplicas">Replicas of the canary Deployment (reserved against quota and pool capacity while active).</param>
/// <param name="FailedRuns">Analysis runs that failed (and inconclusive ones when they count).</param>
/// <param name="Reason">Why it ended.</param>
/// <param name="AnalysisRuns">Every run (the latest 200): each gate's canary and stable measurement, limit and verdict.</param>
public sealed record RolloutStatusResponse(RolloutPhase Phase, int Step, int Weight, int MirrorPercent, int CanaryReplicas, int FailedRuns,
    string? Reason, DateTimeOffset? FinishedAt, IReadOnlyList<AnalysisRun> AnalysisRuns);
