using ControlPlane.Application.Abstractions;
using ControlPlane.Application.Audit;
using ControlPlane.Application.Common;
using ControlPlane.Application.Placements;
using ControlPlane.Domain.Placements;
using ControlPlane.Domain.Slos;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ControlPlane.Domain.Common;

namespace ControlPlane.Application.Slos;

/// <summary>
/// Runs an SLO's remediation rules after an evaluation: takes an action when its condition starts to hold, reverts it
/// when the condition stops holding, each change at most once per cooldown and audited. Missing data changes nothing.
/// Only the replica that claimed the SLO for this interval runs this, so each action is taken once.
/// </summary>
public sealed class SloRemediation(IControlPlaneDb db, IServiceScopeFactory scopes, AuditTrail audit, IOptions<SloOptions> options,
    TimeProvider clock)
{
    /// <summary>Applies the rules of <paramref name="slo"/> (tracked) to <paramref name="placement"/>; saves the SLO.</summary>
    public async Task RunAsync(Slo slo, SloAssessment assessment, Placement? placement, CancellationToken cancellationToken)
    {
        if (assessment.State == SloState.NoData || placement is null)
        {
            return;
        }

        var now = clock.GetUtcNow();
        foreach (var rule in slo.Remediation)
        {
            if (!Due(slo, rule, assessment, now))
            {
                continue;
            }

            var holds = assessment.Holds(rule.On);
            var active = slo.Active(rule.Action);
            var change = holds ? await TakeAsync(slo, rule, placement, now, cancellationToken) : await RevertAsync(slo, active!, placement, now, cancellationToken);
            audit.Record(holds ? "slo.remediation.take" : "slo.remediation.revert", SloService.Target(slo.Tenant, slo.Name), slo.Tenant,
                new Dictionary<string, string>
                {
                    ["action"] = WireNames.Of(rule.Action), ["on"] = WireNames.Of(rule.On), ["detail"] = change,
                    ["state"] = WireNames.Of(assessment.State), ["alerts"] = string.Join(",", assessment.FiringAlerts),
                });
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Whether <see cref="RunAsync"/> would take or revert anything now, from the SLO as loaded: a pass loads for
    /// remediation (tracked) only the SLOs for which this holds.
    /// </summary>
    public bool WouldAct(Slo slo, SloAssessment assessment, Placement? placement)
    {
        var now = clock.GetUtcNow();
        return assessment.State != SloState.NoData && placement is not null && slo.Remediation.Any(rule => Due(slo, rule, assessment, now));
    }

    /// <summary>The rule's condition and what is in force disagree, and the action's cooldown has passed.</summary>
    private bool Due(Slo slo, RemediationRule rule, SloAssessment assessment, DateTimeOffset now) =>
        assessment.Holds(rule.On) != slo.Active(rule.Action) is not null && slo.CooledDown(rule.Action, options.Value.RemediationCooldown, now);

    private async Task<string> TakeAsync(Slo slo, RemediationRule rule, Placement placement, DateTimeOffset now, CancellationToken cancellationToken)
    {
        switch (rule.Action)
        {
            case RemediationAction.ScaleToMax:
                if (placement.MinReplicas >= placement.MaxReplicas)
                {
                    slo.Took(new ActiveRemediation(rule.Action, now, $"already at its maximum of {placement.MaxReplicas} replicas", placement.MinReplicas));
                    return $"already at its maximum of {placement.MaxReplicas} replicas";
                }

                var scaled = await RescaleAsync(placement, placement.MaxReplicas, cancellationToken);
                var detail = scaled is null ? $"replicas {placement.MinReplicas} → {placement.MaxReplicas}" : "refused: " + scaled;
                if (scaled is null)
                {
                    slo.Took(new ActiveRemediation(rule.Action, now, detail, placement.MinReplicas));
                }
                else
                {
                    // Nothing is in force, but the cooldown still spaces out the retries.
                    slo.Reverted(rule.Action, now);
                }

                return detail;
            case RemediationAction.Fallback:
                var fallback = $"{rule.Weight}% of the traffic to {rule.Placement}";
                slo.Took(new ActiveRemediation(rule.Action, now, fallback));
                db.ReconcileRequests.Add(ReconcileRequest.For(placement.Id, ReconcileAction.SyncTraffic, now));
                return fallback;
            default:
                slo.Took(new ActiveRemediation(rule.Action, now, $"new rollouts of {placement.Name} are refused"));
                return $"new rollouts of {placement.Name} are refused";
        }
    }

    private async Task<string> RevertAsync(Slo slo, ActiveRemediation active, Placement placement, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var detail = "reverted";
        if (active.Action == RemediationAction.ScaleToMax && active.RevertTo is { } floor && floor < placement.MinReplicas)
        {
            var refused = await RescaleAsync(placement, floor, cancellationToken);
            detail = refused is null ? $"replicas {placement.MinReplicas} → {floor}" : "refused: " + refused;
        }
        else if (active.Action == RemediationAction.Fallback)
        {
            db.ReconcileRequests.Add(ReconcileRequest.For(placement.Id, ReconcileAction.SyncTraffic, now));
            detail = "all traffic back to " + placement.Name;
        }

        slo.Reverted(active.Action, now);
        return detail;
    }

    /// <summary>
    /// Through the placement's own rescale path: quota, pool capacity and budget checks, outbox, audit — in a unit of
    /// work of its own, so a refused rescale leaves nothing half-changed behind in this one. Null when done, else why not.
    /// </summary>
    private async Task<string?> RescaleAsync(Placement placement, int minReplicas, CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        try
        {
            await scope.ServiceProvider.GetRequiredService<PlacementService>().RescaleAsync(placement.Tenant, placement.Name,
                new UpdatePlacementRequest(new ReplicaBounds(minReplicas, placement.MaxReplicas)), null, cancellationToken);
            return null;
        }
        catch (ConflictException ex)
        {
            return ex.Message;
        }
    }
}
