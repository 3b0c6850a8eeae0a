using ControlPlane.Application.Abstractions;
using ControlPlane.Application.Clusters;
using ControlPlane.Application.Common;
using ControlPlane.Application.Placements;
using ControlPlane.Domain.Rollouts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ControlPlane.Application.Rollouts;

/// <summary>
/// One pass of the rollout worker: claims the rollouts whose analysis is due, runs each one's analysis (outside any
/// transaction: Prometheus may be slow), then — with the placement row locked, and only if the rollout is still the
/// version that was analysed — records the run and takes its decision: hold, next step, promote or roll back. A pause,
/// abort or promotion by the user meanwhile changes the version, and the run is dropped; so no step is applied twice.
/// </summary>
public sealed class RolloutProgression(IControlPlaneDb db, IRolloutSchedule schedule, RolloutAnalyzer analyzer, RolloutTransitions transitions,
    PlacementService placements, ClusterConnections connections, RolloutMetrics metrics, IOptions<RolloutOptions> options, TimeProvider clock)
{
    /// <summary>Runs the due analyses; returns how many rollouts were analysed.</summary>
    public async Task<int> RunDueAsync(CancellationToken cancellationToken)
    {
        var ids = await schedule.ClaimDueAsync(clock.GetUtcNow(), options.Value.BatchSize, cancellationToken);
        foreach (var id in ids)
        {
            await AnalyseAsync(id, cancellationToken);
        }

        return ids.Count;
    }

    private async Task AnalyseAsync(Guid id, CancellationToken cancellationToken)
    {
        var rollout = await db.Rollouts.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        var placement = rollout is null ? null : await db.Placements.AsNoTracking().FirstOrDefaultAsync(p => p.Id == rollout.PlacementId, cancellationToken);
        if (rollout is not { Phase: RolloutPhase.Progressing } || placement is null)
        {
            return;
        }

        var cluster = await db.Clusters.AsNoTracking().FirstAsync(c => c.Id == placement.ClusterId, cancellationToken);
        var slos = await db.Slos.AsNoTracking().Where(s => s.TenantId == rollout.TenantId && s.Placement == rollout.Placement).ToListAsync(cancellationToken);
        var run = await analyzer.RunAsync(rollout, connections.PrometheusFor(cluster), slos, clock.GetUtcNow(), cancellationToken);
        metrics.Analysed(run.Verdict);
        await db.InTransactionAsync(async () =>
        {
            var locked = await placements.LoadForChangeAsync(rollout.Tenant, rollout.Placement, cancellationToken);
            var current = await db.Rollouts.FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
            if (current is null || current.Version != rollout.Version || current.Phase != RolloutPhase.Progressing || locked.Id != current.PlacementId)
            {
                return false; // changed since it was analysed: this run no longer describes it
            }

            var now = clock.GetUtcNow();
            var failing = run.Gates.Where(g => g.Verdict != GateVerdict.Pass).Select(g => $"{g.Gate}: {g.Reason}").ToList();
            switch (current.Analysed(run, now))
            {
                case RolloutDecision.Advance:
                    transitions.Advance(current, "step passed analysis");
                    break;
                case RolloutDecision.Promote:
                    await transitions.FinishAsync(current, locked, RolloutPhase.Promoted, "every step passed analysis", cancellationToken);
                    break;
                case RolloutDecision.RollBack:
                    await transitions.FinishAsync(current, locked, RolloutPhase.RolledBack,
                        $"analysis failed {current.FailedRuns} time(s) at step {current.Step} (limit {current.Analysis.FailureLimit}): " + string.Join("; ", failing),
                        cancellationToken);
                    break;
            }

            await db.SaveChangesAsync(cancellationToken);
            return true;
        }, cancellationToken);
    }
}
