using ControlPlane.Domain.Common;
using System.Globalization;
using ControlPlane.Application.Abstractions;
using ControlPlane.Application.Common;
using ControlPlane.Application.Placements;
using ControlPlane.Domain.Placements;
using ControlPlane.Domain.Rollouts;
using ControlPlane.Domain.Scheduling;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Application.Rollouts;

/// <summary>Starts, reads and steers rollouts of a tenant's placements.</summary>
public sealed class RolloutService(IControlPlaneDb db, PlacementService placements, ModelReferenceResolver models, CapacityLedger ledger,
    RolloutTransitions transitions, CanaryNameRule canaryNames, TimeProvider clock)
{
    /// <summary>
    /// One transaction with the placement row locked: refused (409) while another rollout of it is active, while an SLO of
    /// it has rollouts frozen, or when quota, pool capacity or budget cannot take the canary's replicas.
    /// </summary>
    public async Task<RolloutResponse> StartAsync(string tenant, string placementName, StartRolloutRequest request, CancellationToken cancellationToken)
    {
        var (strategy, analysis) = RolloutValidation.Validate(request);
        var rollout = await db.InTransactionAsync(async () =>
        {
            var placement = await placements.LoadForChangeAsync(tenant, placementName, cancellationToken);
            if (placement.Kind != PlacementKind.Inference
                || placement.Phase is not (PlacementPhase.Pending or PlacementPhase.Applying or PlacementPhase.Running or PlacementPhase.Degraded))
            {
                throw new ConflictException("placement-not-active",
                    $"Placement '{placementName}' is a {WireNames.Of(placement.Kind)} placement in phase {WireNames.Of(placement.Phase)}; only an active inference placement can be rolled out.");
            }

            if (await db.Rollouts.AnyAsync(r => r.PlacementId == placement.Id && RolloutPhases.Active.Contains(r.Phase), cancellationToken))
            {
                throw new ConflictException("rollout-in-progress", $"Placement '{placementName}' already has a rollout in progress; promote or abort it first.");
            }

            if (await db.Slos.Where(s => s.TenantId == placement.TenantId && s.Placement == placement.Name && s.RolloutsFrozen)
                    .Select(s => s.Name).FirstOrDefaultAsync(cancellationToken) is { } frozenBy)
            {
                throw new ConflictException("rollouts-frozen",
                    $"Rollouts of placement '{placementName}' are frozen: the error budget of SLO '{frozenBy}' is exhausted.",
                    new Dictionary<string, object?> { ["slo"] = frozenBy });
            }

            await canaryNames.EnsureCanaryNameFreeAsync(placement, cancellationToken);

            var model = await models.ResolveAsync(placement.TenantId, request.Model, cancellationToken);
            var target = new RolloutTarget(request.Image ?? placement.Image, model?.Name ?? placement.ModelName, model?.Version ?? placement.ModelVersion,
                model?.Digest ?? placement.ModelDigest);
            var previous = new RolloutTarget(placement.Image, placement.ModelName, placement.ModelVersion, placement.ModelDigest);
            if (target == previous)
            {
                throw new ValidationFailedException(new Dictionary<string, string[]> { ["model"] = ["the placement already runs this version and image"] });
            }

            // The canary's replicas are admitted like a rescale: the same quota, pool capacity and budget checks.
            var replicas = Math.Max(1, placement.MinReplicas);
            var units = replicas * placement.UnitsPerReplica;
            await ledger.ReserveMoreAsync(placement, tenant, units, cancellationToken);
            var number = 1 + (await db.Rollouts.Where(r => r.TenantId == placement.TenantId && r.Placement == placement.Name)
                .MaxAsync(r => (int?)r.Number, cancellationToken) ?? 0);
            var started = Rollout.Start(number, placement.TenantId, tenant, placement.Id, placement.Name, strategy, analysis, target, previous,
                replicas, units, clock.GetUtcNow());
            db.Rollouts.Add(started);
            transitions.Started(started);
            await db.SaveChangesAsync(cancellationToken);
            return started;
        }, cancellationToken);
        return ToResponse(rollout);
    }

    public async Task<Page<RolloutResponse>> ListAsync(string tenant, string placement, PageRequest page, CancellationToken cancellationToken)
    {
        var tenantId = await db.RequireTenantIdAsync(tenant, cancellationToken);
        await placements.GetAsync(tenant, placement, cancellationToken);
        var query = db.Rollouts.AsNoTracking().Where(r => r.TenantId == tenantId && r.Placement == placement);
        if (page.After is { } after && int.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out var afterNumber))
        {
            query = query.Where(r => r.Number > afterNumber);
        }

        var rows = await query.OrderBy(r => r.Number).Take(page.PageSize + 1).ToListAsync(cancellationToken);
        return page.ToPage(rows, r => r.Number.ToString(CultureInfo.InvariantCulture), ToResponse);
    }

    public async Task<RolloutResponse> GetAsync(string tenant, string placement, string id, CancellationToken cancellationToken) =>
        ToResponse(await LoadAsync(tenant, placement, id, tracking: false, cancellationToken));

    /// <summary>Skips the remaining steps and analysis: the stable placement takes the target now.</summary>
    public Task<RolloutResponse> PromoteAsync(string tenant, string placement, string id, CancellationToken cancellationToken) =>
        SteerAsync(tenant, placement, id, async (rollout, p) =>
            await transitions.FinishAsync(rollout, p, RolloutPhase.Promoted, "promoted by request", cancellationToken), cancellationToken);

    /// <summary>Rolls back now: the canary is removed and all traffic returns to the stable variant.</summary>
    public Task<RolloutResponse> AbortAsync(string tenant, string placement, string id, CancellationToken cancellationToken) =>
        SteerAsync(tenant, placement, id, async (rollout, p) =>
            await transitions.FinishAsync(rollout, p, RolloutPhase.Aborted, "aborted by request", cancellationToken), cancellationToken);

    /// <summary>Holds the current step and weight: no analysis, no advance, until resumed.</summary>
    public Task<RolloutResponse> PauseAsync(string tenant, string placement, string id, CancellationToken cancellationToken) =>
        SteerAsync(tenant, placement, id, (rollout, _) =>
        {
            if (rollout.Phase == RolloutPhase.Progressing)
            {
                transitions.Pause(rollout);
            }

            return Task.CompletedTask;
        }, cancellationToken);

    public Task<RolloutResponse> ResumeAsync(string tenant, string placement, string id, CancellationToken cancellationToken) =>
        SteerAsync(tenant, placement, id, (rollout, _) =>
        {
            if (rollout.Phase == RolloutPhase.Paused)
            {
                transitions.Resume(rollout);
            }

            return Task.CompletedTask;
        }, cancellationToken);

    /// <summary>Changes an active rollout with its placement row locked (the worker takes the same lock); 409 once it ended.</summary>
    private async Task<RolloutResponse> SteerAsync(string tenant, string placementName, string id, Func<Rollout, Placement, Task> change,
        CancellationToken cancellationToken)
    {
        var rollout = await db.InTransactionAsync(async () =>
        {
            var placement = await placements.LoadForChangeAsync(tenant, placementName, cancellationToken);
            var rollout = await LoadAsync(tenant, placementName, id, tracking: true, cancellationToken);
            if (!rollout.IsActive || rollout.PlacementId != placement.Id)
            {
                throw new ConflictException("rollout-finished", $"Rollout {id} of '{placementName}' is {WireNames.Of(rollout.Phase)}; it can no longer be changed.");
            }

            await change(rollout, placement);
            await db.SaveChangesAsync(cancellationToken);
            return rollout;
        }, cancellationToken);
        return ToResponse(rollout);
    }

    private async Task<Rollout> LoadAsync(string tenant, string placement, string id, bool tracking, CancellationToken cancellationToken)
    {
        var tenantId = await db.RequireTenantIdAsync(tenant, cancellationToken);
        var query = tracking ? db.Rollouts : db.Rollouts.AsNoTracking();
        return int.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? await query.FirstOrDefaultAsync(r => r.TenantId == tenantId && r.Placement == placement && r.Number == number, cancellationToken)
              ?? throw new ResourceNotFoundException("rollout", id)
            : throw new ResourceNotFoundException("rollout", id);
    }


    internal static RolloutResponse ToResponse(Rollout r) => new(r.Number, r.Tenant, r.Placement, r.Target, r.Previous, r.Strategy, r.Analysis,
        new RolloutStatusResponse(r.Phase, r.Step, r.Weight, r.IsActive && r.Strategy.Type == RolloutStrategyType.Shadow ? r.Strategy.MirrorPercent!.Value : 0,
            r.CanaryReplicas, r.FailedRuns, r.Reason, r.FinishedAt, r.Runs),
        r.CreatedAt, r.UpdatedAt);
}
