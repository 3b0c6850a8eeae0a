using ControlPlane.Application.Abstractions;
using ControlPlane.Application.Audit;
using ControlPlane.Application.Clusters;
using ControlPlane.Domain.Placements;
using ControlPlane.Domain.Slos;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ControlPlane.Domain.Common;

namespace ControlPlane.Application.Slos;

/// <summary>
/// What one pass did: SLOs evaluated, Prometheus queries sent (independent of the number of SLOs) and history rows pruned.
/// </summary>
public sealed record SloPass(int Evaluated, int Queries, int HistoryPruned);

/// <summary>
/// One evaluation pass: claims the due SLOs, loads them untracked, reads their SLIs with batched queries per cluster,
/// assesses them in memory, stores status, history and state-change audit events set-wise, runs remediation for the
/// SLOs whose rules act, and publishes the metrics from what it stored. Any number of replicas may run passes at once.
/// </summary>
public sealed class SloEvaluator(IControlPlaneDb db, ISloSchedule schedule, SliReader reader, CostSliReader costs, ClusterConnections connections,
    ISloEvaluationWriter writer, SloRemediation remediation, SloMetrics metrics, AuditTrail audit, IOptions<SloOptions> options, TimeProvider clock)
{
    public async Task<SloPass> EvaluateDueAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = clock.GetUtcNow();
        var ids = await schedule.ClaimDueAsync(now, settings.EvaluationInterval, settings.BatchSize, cancellationToken);
        var pruned = 0;
        IReadOnlyList<Slo> stored = [];
        if (ids.Count > 0)
        {
            // Untracked: the pass writes set-wise (ISloEvaluationWriter), and only SLOs whose remediation acts are loaded tracked.
            var slos = await db.Slos.AsNoTracking().Where(s => ids.Contains(s.Id)).ToListAsync(cancellationToken);
            pruned = await PruneHistoryAsync(slos, now, settings, cancellationToken);
            stored = await EvaluateAsync(slos, now, cancellationToken);
        }

        metrics.Update([.. stored.Select(s => new SloMetricSnapshot(s.Tenant, s.Name, s.Budget?.RemainingRatio, s.BurnRates, now))],
            now - settings.MetricsRetention);
        return new SloPass(ids.Count, reader.QueriesSent, pruned);
    }

    /// <summary>
    /// Deletes the claimed SLOs' history older than their retention, oldest first and at most a batch per pass: the claim is
    /// the lease, so replicas never prune the same rows, and one statement per distinct window keeps a pass's cost bounded.
    /// </summary>
    private async Task<int> PruneHistoryAsync(IReadOnlyList<Slo> slos, DateTimeOffset now, SloOptions settings, CancellationToken cancellationToken)
    {
        var pruned = 0;
        foreach (var byWindow in slos.GroupBy(s => s.WindowDuration))
        {
            if (pruned >= settings.HistoryPruneBatchSize)
            {
                break;
            }

            var cutoff = now - settings.HistoryRetention(byWindow.Key);
            var sloIds = byWindow.Select(s => s.Id).ToList();
            pruned += await db.SloEvaluations.Where(e => sloIds.Contains(e.SloId) && e.At < cutoff)
                .OrderBy(e => e.At).Take(settings.HistoryPruneBatchSize - pruned).ExecuteDeleteAsync(cancellationToken);
        }

        return pruned;
    }

    /// <summary>Evaluates the SLOs (untracked, assessed in memory) and returns those stored.</summary>
    private async Task<IReadOnlyList<Slo>> EvaluateAsync(List<Slo> slos, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var tenantIds = slos.Select(s => s.TenantId).Distinct().ToList();
        var placements = (await db.Placements.AsNoTracking()
                .Where(p => tenantIds.Contains(p.TenantId) && !PlacementPhases.Finished.Contains(p.Phase) && p.Phase != PlacementPhase.Terminating)
                .ToListAsync(cancellationToken))
            .ToDictionary(p => (p.TenantId, p.Name));
        var clusterIds = placements.Values.Select(p => p.ClusterId).Distinct().ToList();
        var clusters = await db.Clusters.AsNoTracking().Where(c => clusterIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, cancellationToken);

        var readings = new Dictionary<Guid, SliReading>();
        var measured = slos.Where(s => s.Indicator.Kind != SloIndicatorKind.Cost && placements.ContainsKey((s.TenantId, s.Placement)));
        foreach (var byCluster in measured.GroupBy(s => placements[(s.TenantId, s.Placement)].ClusterId))
        {
            var cluster = clusters[byCluster.Key];
            if (connections.PrometheusFor(cluster) is not { } prometheus)
            {
                foreach (var slo in byCluster)
                {
                    readings[slo.Id] = SliReading.Failed($"cluster '{cluster.Name}' has no Prometheus registered (PATCH /v1/clusters/{cluster.Name} with prometheus.url)");
                }

                continue;
            }

            foreach (var (id, reading) in await reader.ReadAsync(prometheus, [.. byCluster], cancellationToken))
            {
                readings[id] = reading;
            }
        }

        foreach (var (id, reading) in await costs.ReadAsync([.. slos.Where(s => s.Indicator.Kind == SloIndicatorKind.Cost)], now, cancellationToken))
        {
            readings[id] = reading;
        }

        var assessments = new Dictionary<Guid, SloAssessment>(slos.Count);
        var evaluations = new List<SloEvaluated>(slos.Count);
        foreach (var slo in slos)
        {
            var assessment = !placements.ContainsKey((slo.TenantId, slo.Placement))
                ? SloAssessment.NoData($"placement '{slo.Placement}' is not running")
                : readings[slo.Id] is { Failure: { } failure } ? SloAssessment.NoData(failure)
                : SloAssessment.From(slo.Objective, slo.WindowDuration, readings[slo.Id].ErrorRatios);
            assessments[slo.Id] = assessment;
            var stateChange = slo.Assessed(assessment, now) is { } previous
                ? audit.Event("slo.state-change", SloService.Target(slo.Tenant, slo.Name), slo.Tenant, new Dictionary<string, string>
                {
                    ["from"] = WireNames.Of(previous), ["to"] = WireNames.Of(slo.State), ["reason"] = assessment.Reason ?? string.Join(",", assessment.FiringAlerts),
                })
                : null;
            evaluations.Add(new SloEvaluated(slo, SloEvaluation.Of(slo.Id, assessment, now), stateChange));
        }

        // An SLO redefined or deleted meanwhile is not stored (a redefinition is due again at once): its (now stale)
        // results are dropped rather than stored over the new spec, and nothing is remediated on them.
        var stored = await writer.StoreAsync(evaluations, cancellationToken);
        var acting = slos.Where(s => stored.ContainsKey(s.Id)
            && remediation.WouldAct(s, assessments[s.Id], placements.GetValueOrDefault((s.TenantId, s.Placement)))).Select(s => s.Id).ToList();
        if (acting.Count > 0)
        {
            // Tracked, for the remediation's own writes; one changed again since this pass stored it is left to its next pass.
            foreach (var slo in (await db.Slos.Where(s => acting.Contains(s.Id)).ToListAsync(cancellationToken)).Where(s => s.Version == stored[s.Id]))
            {
                await remediation.RunAsync(slo, assessments[slo.Id], placements[(slo.TenantId, slo.Placement)], cancellationToken);
            }
        }

        return [.. slos.Where(s => stored.ContainsKey(s.Id))];
    }
}
