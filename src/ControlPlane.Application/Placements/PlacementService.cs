using System.Text.Json;
using ControlPlane.Application.Abstractions;
using ControlPlane.Application.Audit;
using ControlPlane.Application.Common;
using ControlPlane.Domain.Placements;
using ControlPlane.Domain.Rollouts;
using ControlPlane.Domain.Scheduling;
using Microsoft.EntityFrameworkCore;
using ControlPlane.Domain.Common;

namespace ControlPlane.Application.Placements;

/// <summary>Reads, rescales and deletes placements (admission is <see cref="PlacementAdmission"/>).</summary>
public sealed class PlacementService(IControlPlaneDb db, PlacementAdmission admission, AdmissionGate gate, CapacityLedger ledger,
    IPlacementLocks locks, AuditTrail audit, Rollouts.RolloutTransitions rollouts, TimeProvider clock)
{
    public async Task<Versioned<PlacementResponse>> CreateAsync(string tenant, CreatePlacementRequest request, CancellationToken cancellationToken)
    {
        var (placement, admitted) = await gate.RunAsync(() => admission.AdmitAsync(tenant, request, cancellationToken), cancellationToken);
        return new(ToResponse(placement, [admitted], rollout: null), placement.Version);
    }

    public async Task<Page<PlacementResponse>> ListAsync(string tenantName, PageRequest page, PlacementPhase? phase, PlacementKind? kind,
        CancellationToken cancellationToken)
    {
        var tenantId = await db.RequireTenantIdAsync(tenantName, cancellationToken);
        var query = db.Placements.AsNoTracking().Where(p => p.TenantId == tenantId);
        query = phase is { } ph ? query.Where(p => p.Phase == ph) : query.Where(p => p.Phase != PlacementPhase.Terminated);
        if (kind is { } k)
        {
            query = query.Where(p => p.Kind == k);
        }

        if (page.After is { } after && Guid.TryParse(after, out var afterId))
        {
            query = query.Where(p => p.Id.CompareTo(afterId) > 0);
        }

        var rows = await query.OrderBy(p => p.Id).Take(page.PageSize + 1).ToListAsync(cancellationToken);
        var transitions = await TransitionsAsync(rows.Select(p => p.Id).ToList(), cancellationToken);
        var rollouts = await ActiveRolloutsAsync(rows.Select(p => p.Id).ToList(), cancellationToken);
        return page.ToPage(rows, p => p.Id.ToString(), p => ToResponse(p, transitions[p.Id], rollouts.GetValueOrDefault(p.Id)));
    }

    public async Task<Versioned<PlacementResponse>> GetAsync(string tenantName, string name, CancellationToken cancellationToken)
    {
        var placement = await LoadAsync(tenantName, name, tracking: false, cancellationToken);
        var transitions = await TransitionsAsync([placement.Id], cancellationToken);
        var rollouts = await ActiveRolloutsAsync([placement.Id], cancellationToken);
        return new(ToResponse(placement, transitions[placement.Id], rollouts.GetValueOrDefault(placement.Id)), placement.Version);
    }

    /// <summary>Changes the replica bounds; growing re-admits only the difference on the same pool.</summary>
    public async Task<Versioned<PlacementResponse>> RescaleAsync(string tenantName, string name, UpdatePlacementRequest request, string? ifMatch,
        CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (request.Replicas is null)
        {
            errors.Add("replicas", "is required");
        }
        else
        {
            PlacementValidation.ValidateReplicas(errors, request.Replicas);
        }

        errors.ThrowIfAny();
        await db.InTransactionAsync(async () =>
        {
            var placement = await LoadForChangeAsync(tenantName, name, cancellationToken);
            if (ifMatch is not null && !ConcurrencyToken.Matches(ifMatch, placement.Version))
            {
                throw new PreconditionFailedException("placement", name);
            }

            if (placement.Phase is not (PlacementPhase.Pending or PlacementPhase.Applying or PlacementPhase.Running or PlacementPhase.Degraded))
            {
                throw new ConflictException("placement-not-active", $"Placement '{name}' is {WireNames.Of(placement.Phase)}; only an active placement can be rescaled.");
            }

            var now = clock.GetUtcNow();
            var delta = (request.Replicas!.Max ?? request.Replicas.Min) * placement.UnitsPerReplica - placement.ReservedUnits;
            // Growing is admitting the difference: reserved (or refused) before the placement changes.
            if (delta > 0)
            {
                await ledger.ReserveMoreAsync(placement, tenantName, delta, cancellationToken);
            }
            else if (delta < 0)
            {
                await ledger.ReleaseSomeAsync(placement, -delta, cancellationToken);
            }

            placement.Rescale(request.Replicas.Min, request.Replicas.Max ?? request.Replicas.Min, now);
            db.ReconcileRequests.Add(ReconcileRequest.For(placement.Id, ReconcileAction.Apply, now));
            audit.Record("placement.rescale", $"tenants/{tenantName}/placements/{name}", tenantName,
                new Dictionary<string, string> { ["minReplicas"] = request.Replicas.Min.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }, cancellationToken);
        return await GetAsync(tenantName, name, cancellationToken);
    }

    /// <summary>Starts removal: the reconciler deletes the objects, then releases capacity and quota once the cluster confirms.</summary>
    public async Task<Versioned<PlacementResponse>> DeleteAsync(string tenantName, string name, string? ifMatch, CancellationToken cancellationToken)
    {
        await db.InTransactionAsync(async () =>
        {
            var placement = await LoadForChangeAsync(tenantName, name, cancellationToken);
            if (ifMatch is not null && !ConcurrencyToken.Matches(ifMatch, placement.Version))
            {
                throw new PreconditionFailedException("placement", name);
            }

            if (placement.Phase is PlacementPhase.Terminating or PlacementPhase.Terminated)
            {
                return true;
            }

            var now = clock.GetUtcNow();
            if (placement.MoveTo(PlacementPhase.Terminating, now, "deletion requested") is { } transition)
            {
                db.PlacementTransitions.Add(transition);
            }

            // Its rollout ends with it: aborted, the canary's capacity and quota given back now, the canary removed.
            if (await db.Rollouts.FirstOrDefaultAsync(r => r.PlacementId == placement.Id && RolloutPhases.Active.Contains(r.Phase), cancellationToken)
                is { } rollout)
            {
                await rollouts.FinishAsync(rollout, placement, RolloutPhase.Aborted, "the placement was deleted", cancellationToken);
            }

            db.ReconcileRequests.Add(ReconcileRequest.For(placement.Id, ReconcileAction.Delete, now));
            audit.Record("placement.delete", $"tenants/{tenantName}/placements/{name}", tenantName);
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }, cancellationToken);
        return await GetAsync(tenantName, name, cancellationToken);
    }

    private async Task<Placement> LoadAsync(string tenantName, string name, bool tracking, CancellationToken cancellationToken)
    {
        var tenantId = await db.RequireTenantIdAsync(tenantName, cancellationToken);
        var query = tracking ? db.Placements : db.Placements.AsNoTracking();
        // The live placement of that name, or else the most recent finished one.
        return await query.Where(p => p.TenantId == tenantId && p.Name == name)
            .OrderBy(p => PlacementPhases.Finished.Contains(p.Phase))
            .ThenByDescending(p => p.CreatedAt)
            .FirstOrDefaultAsync(cancellationToken) ?? throw new ResourceNotFoundException("placement", name);
    }

    /// <summary>
    /// The live placement, row-locked: the reconciler and observer update placements in the background, and a caller's
    /// change must wait for them rather than fail on their optimistic concurrency check (they retry instead).
    /// </summary>
    internal async Task<Placement> LoadForChangeAsync(string tenantName, string name, CancellationToken cancellationToken)
    {
        var tenantId = await db.RequireTenantIdAsync(tenantName, cancellationToken);
        return await locks.LockLiveAsync(tenantId, name, cancellationToken)
            ?? await LoadAsync(tenantName, name, tracking: true, cancellationToken);
    }

    private async Task<ILookup<Guid, PlacementTransition>> TransitionsAsync(List<Guid> ids, CancellationToken cancellationToken) =>
        (await db.PlacementTransitions.AsNoTracking().Where(t => ids.Contains(t.PlacementId)).OrderBy(t => t.Id).ToListAsync(cancellationToken))
        .ToLookup(t => t.PlacementId);

    private async Task<Dictionary<Guid, ActiveRolloutSummary>> ActiveRolloutsAsync(List<Guid> ids, CancellationToken cancellationToken) =>
        await db.Rollouts.AsNoTracking().Where(r => ids.Contains(r.PlacementId) && RolloutPhases.Active.Contains(r.Phase))
            .ToDictionaryAsync(r => r.PlacementId, r => new ActiveRolloutSummary(r.Number, r.Phase, r.Step, r.Weight), cancellationToken);

    private static PlacementResponse ToResponse(Placement p, IEnumerable<PlacementTransition> transitions, ActiveRolloutSummary? rollout) => new(
        p.Id, p.Tenant, p.Name,
        new PlacementSpecResponse(p.Kind, p.Image, p.Command, p.Args, p.Env, new ReplicaBounds(p.MinReplicas, p.MaxReplicas),
            new PlacementResources(p.GpuModel, p.MigProfile is null ? p.GpusPerReplica : null, p.MigProfile, p.Cpu, p.Memory),
            p.Priority, p.Interruptible, p.Regions,
            p.ModelDigest is null ? null : new PlacementModelResponse(p.ModelName!, p.ModelVersion!.Value, p.ModelDigest), p.Autoscaling),
        new PlacementStatusResponse(p.Phase, p.ClusterName, p.NodePoolName, p.RuntimeClass, p.HourlyPrice, p.ReadyReplicas, p.Message,
            JsonSerializer.Deserialize<SchedulingDecisionView>(p.Decision, PlacementAdmission.DecisionJson)!,
            [.. transitions.Select(t => new PhaseTransitionResponse(t.Phase, t.At, t.Message))]),
        p.CreatedAt, p.UpdatedAt, rollout);
}
