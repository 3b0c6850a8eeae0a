namespace ControlPlane.Domain.Rollouts;

/// <summary>What the worker does with a progressing rollout after an analysis run.</summary>
public enum RolloutDecision
{
    /// <summary>Hold the current step (its pause is not over, or its latest run did not pass).</summary>
    Hold,
    Advance,
    Promote,
    RollBack,
}

/// <summary>
/// A progressive rollout of a new model version and/or image on one inference placement: a canary Deployment beside the
/// stable one, traffic shifted in steps (or mirrored, for a shadow), each step analysed, then promoted or rolled back.
/// The recorded step, weight and phase are what the cluster converges to (outbox + server-side apply), so a restart
/// resumes from here and never applies a step twice (each change is saved under the row's concurrency token).
/// </summary>
public sealed class Rollout
{
    /// <summary>The most analysis runs kept on a rollout (the oldest are dropped; the failure count stays exact).</summary>
    public const int MaxRunsKept = 200;

    private Rollout()
    {
    }

    public Guid Id { get; private set; }

    /// <summary>1, 2, … per placement name: the id in the API path.</summary>
    public int Number { get; private set; }
    public Guid TenantId { get; private set; }
    public string Tenant { get; private set; } = "";
    public Guid PlacementId { get; private set; }
    public string Placement { get; private set; } = "";
    public RolloutStrategy Strategy { get; private set; } = null!;
    public RolloutAnalysis Analysis { get; private set; } = null!;
    public RolloutTarget Target { get; private set; } = null!;

    /// <summary>What the stable variant ran when the rollout started (for the audit trail and the response).</summary>
    public RolloutTarget Previous { get; private set; } = null!;
    public RolloutPhase Phase { get; private set; }

    /// <summary>Index of the current step (0-based).</summary>
    public int Step { get; private set; }

    /// <summary>Percent of user traffic the canary receives now (0 for a shadow and once finished).</summary>
    public int Weight { get; private set; }
    public DateTimeOffset StepStartedAt { get; private set; }

    /// <summary>The next analysis is due then; a worker replica claims the rollout by moving it forward (once per interval).</summary>
    public DateTimeOffset NextAnalysisAt { get; private set; }
    public int FailedRuns { get; private set; }
    public int CanaryReplicas { get; private set; }

    /// <summary>GPU units reserved for the canary's replicas; 0 once given back (exactly once).</summary>
    public int CanaryUnits { get; private set; }
    public string? Reason { get; private set; }
    public List<AnalysisRun> Runs { get; private set; } = [];
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public DateTimeOffset? FinishedAt { get; private set; }
    public uint Version { get; private set; }

    public bool IsActive => Phase is RolloutPhase.Progressing or RolloutPhase.Paused;

    private const string CanarySuffix = "-canary";

    /// <summary>The canary Deployment's and Service's name.</summary>
    public static string CanaryName(string placement) => placement + CanarySuffix;

    /// <summary>The placement whose canary would be named <paramref name="name"/>; null when no canary is named so.</summary>
    public static string? CanaryOf(string name) =>
        name.Length > CanarySuffix.Length && name.EndsWith(CanarySuffix, StringComparison.Ordinal) ? name[..^CanarySuffix.Length] : null;

    public static Rollout Start(int number, Guid tenantId, string tenant, Guid placementId, string placement, RolloutStrategy strategy,
        RolloutAnalysis analysis, RolloutTarget target, RolloutTarget previous, int canaryReplicas, int canaryUnits, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now), Number = number, TenantId = tenantId, Tenant = tenant, PlacementId = placementId, Placement = placement,
        Strategy = strategy, Analysis = analysis, Target = target, Previous = previous, Phase = RolloutPhase.Progressing, Step = 0,
        Weight = strategy.WeightAt(0), StepStartedAt = now, NextAnalysisAt = now + TimeSpan.FromSeconds(analysis.IntervalSeconds),
        CanaryReplicas = canaryReplicas, CanaryUnits = canaryUnits, CreatedAt = now, UpdatedAt = now,
    };

    /// <summary>Records a run and says what follows from it.</summary>
    public RolloutDecision Analysed(AnalysisRun run, DateTimeOffset now)
    {
        Runs = [.. Runs.TakeLast(MaxRunsKept - 1), run];
        UpdatedAt = now;
        if (run.Verdict == GateVerdict.Fail || (run.Verdict == GateVerdict.Inconclusive && Analysis.InconclusiveIsFailure))
        {
            FailedRuns++;
        }

        if (FailedRuns > Analysis.FailureLimit)
        {
            return RolloutDecision.RollBack;
        }

        // Only a passing run taken during this step lets it advance: missing data never promotes.
        if (run.Verdict != GateVerdict.Pass || run.Step != Step || now - StepStartedAt < Strategy.Pause(Step))
        {
            return RolloutDecision.Hold;
        }

        return Step + 1 < Strategy.StepCount ? RolloutDecision.Advance : RolloutDecision.Promote;
    }

    public void AdvanceStep(DateTimeOffset now)
    {
        Step++;
        Weight = Strategy.WeightAt(Step);
        StepStartedAt = now;
        UpdatedAt = now;
    }

    public void Pause(DateTimeOffset now)
    {
        Phase = RolloutPhase.Paused;
        UpdatedAt = now;
    }

    /// <summary>Back to progressing: the current step's pause starts again, so it is analysed afresh before it advances.</summary>
    public void Resume(DateTimeOffset now)
    {
        Phase = RolloutPhase.Progressing;
        StepStartedAt = now;
        NextAnalysisAt = now + TimeSpan.FromSeconds(Analysis.IntervalSeconds);
        UpdatedAt = now;
    }

    /// <summary>Ends the rollout: all traffic back to the stable variant, the canary to be removed.</summary>
    public void Finish(RolloutPhase phase, string reason, DateTimeOffset now)
    {
        Phase = phase;
        Weight = 0;
        Reason = Common.StatusMessage.Fit(reason);
        FinishedAt = now;
        UpdatedAt = now;
    }

    /// <summary>The canary's units to give back; 0 when they already were, so nothing is released twice.</summary>
    public int ReleaseCanary()
    {
        var units = CanaryUnits;
        CanaryUnits = 0;
        return units;
    }
}
