namespace ControlPlane.Domain.Rollouts;

/// <summary>Where a rollout is. Progressing and paused are active (at most one per placement); the rest are final.</summary>
public enum RolloutPhase
{
    Progressing,
    Paused,
    Promoted,
    RolledBack,
    Aborted,
}

/// <summary>Canary: user traffic shifted to the new version in weighted steps. Shadow: mirrored traffic only, responses discarded.</summary>
public enum RolloutStrategyType
{
    Canary,
    Shadow,
}

/// <summary>What an analysis gate compares between the canary and the stable variant.</summary>
public enum GateMetric
{
    ErrorRate,
    LatencyP95,
    SloBurnRate,
    Custom,

    /// <summary>Cost per 1,000 inferences of each variant, from the control plane's own metering and price book.</summary>
    [System.Text.Json.Serialization.JsonStringEnumMemberName("cost-per-1k-inferences")]
    CostPer1kInferences,
}

/// <summary>A gate's (and a run's) verdict. Inconclusive: not enough data to judge — never a pass.</summary>
public enum GateVerdict
{
    Pass,
    Fail,
    Inconclusive,
}

/// <summary>How a custom gate aggregates the series of one variant's pods.</summary>
public enum CustomAggregation
{
    Avg,
    Sum,
    Min,
    Max,
}

public static class RolloutPhases
{
    /// <summary>Phases of a rollout still in progress (the partial unique index keeps one per placement).</summary>
    public static readonly RolloutPhase[] Active = [RolloutPhase.Progressing, RolloutPhase.Paused];
}
