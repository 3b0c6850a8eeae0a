using System.Text.Json;
using ControlPlane.Application.Abstractions;
using ControlPlane.Application.Audit;
using ControlPlane.Application.Billing;
using ControlPlane.Application.Common;
using ControlPlane.Domain.Placements;
using ControlPlane.Domain.Quotas;
using ControlPlane.Domain.Scheduling;
using ControlPlane.Domain.Tenants;
using Microsoft.EntityFrameworkCore;
using ControlPlane.Domain.Common;

namespace ControlPlane.Application.Placements;

/// <summary>
/// Admission in one transaction: validate, lock the tenant's quota rows, check quota, schedule, lock and re-check the
/// chosen pool, reserve, insert the placement and its reconcile request. Never overcommits under concurrency.
/// </summary>
public sealed class PlacementAdmission(IControlPlaneDb db, FleetLoader fleet, CapacityLedger ledger, ModelReferenceResolver models,
    SpendGuard spend, AuditTrail audit, AdmissionMetrics metrics, TimeProvider clock)
{
    /// <summary>How often to re-schedule when a concurrent admission took the chosen pool's last capacity.</summary>
    private const int ScheduleAttempts = 3;

    public static readonly JsonSerializerOptions DecisionJson = new(JsonSerializerDefaults.Web)
    {
        Converters = { WireNames.JsonConverter() },
    };

    /// <summary>Admits the placement or throws why not; either way the outcome is counted.</summary>
    public async Task<Placement> AdmitAsync(string tenantName, CreatePlacementRequest request, CancellationToken cancellationToken)
    {
        try
        {
            var placement = await AdmitOrRefuseAsync(tenantName, request, cancellationToken);
            metrics.Counted(AdmissionMetrics.Admitted);
            return placement;
        }
        catch (Exception refusal) when (refusal is not OperationCanceledException)
        {
            metrics.Counted(AdmissionMetrics.OutcomeOf(refusal));
            throw;
        }
    }

    private async Task<Placement> AdmitOrRefuseAsync(string tenantName, CreatePlacementRequest request, CancellationToken cancellationToken)
    {
        var spec = PlacementValidation.ToSpec(request);
        var tenant = await TenantAsync(tenantName, cancellationToken);
        tenant.EnsureCanCreate();
        if (await db.Placements.AnyAsync(p => p.TenantId == tenant.Id && p.Name == request.Name && !PlacementPhases.Finished.Contains(p.Phase),
                cancellationToken))
        {
            throw new ConflictException("already-exists", $"Tenant '{tenantName}' already has a live placement named '{request.Name}'.");
        }

        var model = await models.ResolveAsync(tenant.Id, request.Model, cancellationToken);
        var schedulingRequest = SchedulingRequestFor(tenant, spec);
        var units = schedulingRequest.TotalUnits;
        var gpuResource = spec.MigProfile is null ? QuotaResource.Gpu(spec.GpuModel!) : QuotaResource.Mig(spec.MigProfile);
        // Decide before taking any lock: reading the fleet and scoring it takes longer than the rest of the admission,
        // and the chosen pool's capacity is checked again under its row lock anyway.
        var (fleetNow, decision, view) = await DecideAsync(schedulingRequest, cancellationToken);
        return await db.InTransactionAsync(async () =>
        {
            var quotas = await ledger.LockQuotasAsync(tenant.Id, [QuotaResource.Placements, gpuResource, .. SpendGuard.MonthlyQuotas],
                cancellationToken);
            var checks = QuotaChecks(quotas, gpuResource, units);
            if (checks.Any(c => !c.Sufficient))
            {
                throw QuotaExceeded(checks);
            }

            for (var attempt = 1; ; attempt++)
            {
                var chosen = decision.Chosen!;
                var (clusterId, poolId) = fleetNow.Ids[(chosen.Cluster, chosen.NodePool)];
                var pool = await ledger.LockPoolAsync(poolId, cancellationToken);
                if (pool.FreeUnits(spec.MigProfile) < units)
                {
                    // Another admission took the capacity since our snapshot: decide again on fresh data.
                    if (attempt < ScheduleAttempts)
                    {
                        (fleetNow, decision, view) = await DecideAsync(schedulingRequest, cancellationToken);
                        continue;
                    }

                    throw new ConflictException("insufficient-capacity", "The capacity was taken by concurrent admissions; retry.",
                        new Dictionary<string, object?> { ["decision"] = view });
                }

                // Budget hard cap and the monthly spend / GPU-hour quotas: month-to-date usage + this placement's estimate.
                await spend.EnsureAffordableAsync(tenant.Id, tenant.Name, quotas, pool, spec.MigProfile, units, cancellationToken);
                var now = clock.GetUtcNow();
                quotas[QuotaResource.Placements].Reserve(1, now);
                quotas[gpuResource].Reserve(units, now);
                pool.Reserve(spec.MigProfile, (int)units, now);
                var (placement, admitted) = Placement.Admit(tenant.Id, tenant.Name, request.Name, spec, clusterId, chosen.Cluster,
                    pool.Id, pool.Name, chosen.RuntimeClass, chosen.HourlyPrice, JsonSerializer.Serialize(view, DecisionJson), now, model);
                db.Placements.Add(placement);
                db.PlacementTransitions.Add(admitted);
                db.ReconcileRequests.Add(ReconcileRequest.For(placement.Id, ReconcileAction.Apply, now));
                audit.Record("placement.create", $"tenants/{tenantName}/placements/{placement.Name}", tenantName,
                    new Dictionary<string, string> { ["cluster"] = chosen.Cluster, ["nodePool"] = pool.Name, ["units"] = units.ToString(System.Globalization.CultureInfo.InvariantCulture) });
                await db.SaveChangesAsync(cancellationToken);
                return placement;
            }
        }, cancellationToken);
    }

    private async Task<(Fleet Fleet, SchedulingDecision Decision, SchedulingDecisionView View)> DecideAsync(SchedulingRequest request,
        CancellationToken cancellationToken)
    {
        var current = await fleet.LoadAsync(cancellationToken);
        var decision = PlacementScheduler.Decide(request, current.Snapshot);
        var view = DecisionViews.From(decision);
        EnsureScheduled(decision, view);
        return (current, decision, view);
    }

    /// <summary>The same decision as an admission, without admitting anything.</summary>
    public async Task<PlacementPreviewResponse> PreviewAsync(string tenantName, CreatePlacementRequest request, CancellationToken cancellationToken)
    {
        var spec = PlacementValidation.ToSpec(request);
        var tenant = await TenantAsync(tenantName, cancellationToken);
        var schedulingRequest = SchedulingRequestFor(tenant, spec);
        var gpuResource = spec.MigProfile is null ? QuotaResource.Gpu(spec.GpuModel!) : QuotaResource.Mig(spec.MigProfile);
        string[] resources = [QuotaResource.Placements, gpuResource, .. SpendGuard.MonthlyQuotas];
        var quotas = await db.Quotas.AsNoTracking().Where(q => q.TenantId == tenant.Id && resources.Contains(q.Resource))
            .ToDictionaryAsync(q => q.Resource, cancellationToken);
        var checks = QuotaChecks(quotas, gpuResource, schedulingRequest.TotalUnits);
        var current = await fleet.LoadAsync(cancellationToken);
        var decision = PlacementScheduler.Decide(schedulingRequest, current.Snapshot);

        // The money check admission would make on the chosen pool (budget hard cap, spend.monthly, gpu-hours.monthly).
        SpendCheck? spendCheck = null;
        if (decision.Chosen is { } chosen)
        {
            var poolId = current.Ids[(chosen.Cluster, chosen.NodePool)].PoolId;
            var pool = await db.NodePools.AsNoTracking().FirstAsync(p => p.Id == poolId, cancellationToken);
            spendCheck = await spend.CheckAsync(tenant.Id, tenant.Name, quotas, pool, spec.MigProfile, schedulingRequest.TotalUnits, cancellationToken);
        }

        return new PlacementPreviewResponse(
            tenant.State == TenantState.Active && checks.All(c => c.Sufficient) && decision.Outcome == SchedulingOutcome.Scheduled
                && spendCheck?.Allowed != false,
            checks, DecisionViews.From(decision), spendCheck);
    }

    private static SchedulingRequest SchedulingRequestFor(Tenant tenant, PlacementSpec spec) => new()
    {
        Tenant = tenant.Name,
        Tier = tenant.IsolationTier,
        Kind = spec.Kind,
        Gpu = spec.MigProfile is null ? GpuRequest.WholeGpus(spec.GpuModel!, spec.GpusPerReplica) : GpuRequest.Mig(spec.MigProfile),
        // Capacity and quota are reserved for the upper bound: the autoscaler's bursts are guaranteed, never overcommitted.
        Replicas = spec.MaxReplicas,
        Interruptible = spec.Interruptible,
        AllowedRegions = spec.Regions,
        TenantAllowedRegions = tenant.AllowedRegions,
    };

    private static List<QuotaCheckView> QuotaChecks(IReadOnlyDictionary<string, Quota> quotas, string gpuResource, long units) =>
    [
        Check(quotas, QuotaResource.Placements, 1),
        Check(quotas, gpuResource, units),
    ];

    private static QuotaCheckView Check(IReadOnlyDictionary<string, Quota> quotas, string resource, long requested) =>
        quotas.TryGetValue(resource, out var quota)
            ? new QuotaCheckView(resource, quota.Limit, quota.Used, requested, quota.CanReserve(requested))
            : new QuotaCheckView(resource, 0, 0, requested, false);

    private static ConflictException QuotaExceeded(IReadOnlyList<QuotaCheckView> checks) => new("quota-exceeded",
        string.Join(" ", checks.Where(c => !c.Sufficient).Select(c => c.Limit == 0 && c.Used == 0
            ? $"The tenant has no quota for {c.Resource}."
            : $"Quota {c.Resource} has {Math.Max(0, c.Limit - c.Used)} of {c.Limit} left; {c.Requested} requested.")),
        new Dictionary<string, object?> { ["quota"] = checks });

    private static void EnsureScheduled(SchedulingDecision decision, SchedulingDecisionView view)
    {
        var extensions = new Dictionary<string, object?> { ["decision"] = view };
        switch (decision.Outcome)
        {
            case SchedulingOutcome.Impossible:
                throw new UnprocessableException("unschedulable",
                    "No node pool could ever take this placement as asked; see decision.candidates for each pool's reason.", extensions);
            case SchedulingOutcome.NotAdmissibleNow:
                throw new ConflictException("insufficient-capacity",
                    "No node pool has the free capacity now; see decision.candidates for each pool's reason.", extensions);
        }
    }

    private async Task<Tenant> TenantAsync(string tenantName, CancellationToken cancellationToken) =>
        await db.Tenants.AsNoTracking().FirstOrDefaultAsync(t => t.Name == tenantName, cancellationToken)
        ?? throw new ResourceNotFoundException("tenant", tenantName);
}
