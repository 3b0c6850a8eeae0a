namespace ControlPlane.Domain.Scheduling;

/// <summary>
/// The result of <see cref="PlacementScheduler.Decide(SchedulingRequest, FleetSnapshot)"/>: the verdict, the chosen pool if any,
/// and one evaluation for every pool that was considered.
/// </summary>
public sealed class SchedulingDecision
{
    internal SchedulingDecision(SchedulingOutcome outcome, PlacementChoice? chosen, IReadOnlyList<CandidateEvaluation> candidates)
    {
        Outcome = outcome;
        Chosen = chosen;
        Candidates = candidates;
    }

    /// <summary>Scheduled, not admissible now, or impossible as asked.</summary>
    public SchedulingOutcome Outcome { get; }

    /// <summary>The chosen pool; null unless <see cref="Outcome"/> is <see cref="SchedulingOutcome.Scheduled"/>.</summary>
    public PlacementChoice? Chosen { get; }

    /// <summary>
    /// Every pool, in a deterministic order: the chosen pool first, then the other accepted pools by rank,
    /// then the rejected pools by cluster name and pool name (ordinal).
    /// </summary>
    public IReadOnlyList<CandidateEvaluation> Candidates { get; }
}
