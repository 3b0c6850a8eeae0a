using ControlPlane.Domain.Scheduling;

namespace ControlPlane.Application.Placements;

internal static class DecisionViews
{
    /// <summary>Every accepted pool is kept; rejected ones up to a bound, so a 10,000-pool fleet does not bloat each row.</summary>
    private const int MaxCandidates = 200;

    public static SchedulingDecisionView From(SchedulingDecision decision)
    {
        var kept = decision.Candidates.Where(c => c.Accepted)
            .Concat(decision.Candidates.Where(c => !c.Accepted).Take(Math.Max(0, MaxCandidates - decision.Candidates.Count(c => c.Accepted))))
            .Select(c => new CandidateView(c.Cluster, c.NodePool, c.Accepted, c.ReasonCode, c.Reason, c.Score?.HourlyPrice))
            .ToList();
        var chosen = decision.Chosen;
        return new SchedulingDecisionView(decision.Outcome, chosen?.Cluster, chosen?.NodePool, chosen?.RuntimeClass, chosen?.HourlyPrice,
            kept, decision.Candidates.Count - kept.Count);
    }
}
