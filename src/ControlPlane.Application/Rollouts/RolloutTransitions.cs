using System.Globalization;
using ControlPlane.Application.Abstractions;
using ControlPlane.Application.Audit;
using ControlPlane.Application.Placements;
using ControlPlane.Domain.Placements;
using ControlPlane.Domain.Rollouts;

namespace ControlPlane.Application.Rollouts;

/// <summary>
/// The one place a rollout changes step or ends — for the worker, the user's promote/abort and a placement's deletion:
/// the change, the canary's capacity given back through the capacity ledger (once), the outbox request that makes the
/// cluster follow, the audit event and the metric, all in the caller's unit of work.
/// </summary>
public sealed class RolloutTransitions(IControlPlaneDb db, CapacityLedger ledger, AuditTrail audit, RolloutMetrics metrics, TimeProvider clock)
{
    public static string Target(string tenant, string placement, int number) =>
        $"tenants/{tenant}/placements/{placement}/rollouts/{number.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Records the start (the rollout was just added with its canary's units reserved).</summary>
    public void Started(Rollout rollout)
    {
        db.ReconcileRequests.Add(ReconcileRequest.For(rollout.PlacementId, ReconcileAction.SyncRollout, clock.GetUtcNow()));
        Record(rollout, "rollout.start", new()
        {
            ["image"] = rollout.Target.Image, ["model"] = Describe(rollout.Target), ["from"] = Describe(rollout.Previous),
            ["strategy"] = rollout.Strategy.Type.ToString(), ["weight"] = Text(rollout.Weight), ["canaryReplicas"] = Text(rollout.CanaryReplicas),
        });
    }

    public void Advance(Rollout rollout, string why)
    {
        rollout.AdvanceStep(clock.GetUtcNow());
        db.ReconcileRequests.Add(ReconcileRequest.For(rollout.PlacementId, ReconcileAction.SyncRollout, clock.GetUtcNow()));
        Record(rollout, "rollout.step", new() { ["step"] = Text(rollout.Step), ["weight"] = Text(rollout.Weight), ["reason"] = why });
    }

    public void Pause(Rollout rollout)
    {
        rollout.Pause(clock.GetUtcNow());
        Record(rollout, "rollout.pause", new() { ["step"] = Text(rollout.Step) });
    }

    public void Resume(Rollout rollout)
    {
        rollout.Resume(clock.GetUtcNow());
        Record(rollout, "rollout.resume", new() { ["step"] = Text(rollout.Step) });
    }

    /// <summary>
    /// Ends the rollout: a promotion makes the stable placement run the target (its Deployment is applied again); every
    /// end removes the canary and returns the route to the stable variant, and gives the canary's units back.
    /// <paramref name="placement"/> must be tracked (and, outside the worker's own row lock, locked by the caller).
    /// </summary>
    public async Task FinishAsync(Rollout rollout, Placement placement, RolloutPhase phase, string reason, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        rollout.Finish(phase, reason, now);
        if (rollout.ReleaseCanary() is > 0 and var units && placement.HoldsCapacity)
        {
            await ledger.ReleaseSomeAsync(placement, units, cancellationToken);
        }

        if (phase == RolloutPhase.Promoted)
        {
            var model = rollout.Target.ModelDigest is null ? null
                : new ResolvedModel(rollout.Target.ModelName!, rollout.Target.ModelVersion!.Value, rollout.Target.ModelDigest);
            placement.Retarget(rollout.Target.Image, model, now);
            db.ReconcileRequests.Add(ReconcileRequest.For(placement.Id, ReconcileAction.Apply, now));
        }

        db.ReconcileRequests.Add(ReconcileRequest.For(placement.Id, ReconcileAction.SyncRollout, now));
        Record(rollout, phase switch { RolloutPhase.Promoted => "rollout.promote", RolloutPhase.RolledBack => "rollout.roll-back", _ => "rollout.abort" },
            new() { ["step"] = Text(rollout.Step), ["reason"] = reason, ["image"] = rollout.Target.Image, ["model"] = Describe(rollout.Target) });
    }

    private void Record(Rollout rollout, string action, Dictionary<string, string> details)
    {
        audit.Record(action, Target(rollout.Tenant, rollout.Placement, rollout.Number), rollout.Tenant, details);
        metrics.Transition(action["rollout.".Length..]);
    }

    private static string Describe(RolloutTarget target) =>
        target.ModelName is null ? "none" : $"{target.ModelName} v{Text(target.ModelVersion!.Value)} ({target.ModelDigest})";

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
