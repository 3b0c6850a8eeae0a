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
/// Admission in one transaction: validate, schedule on the cached fleet, reserve quota and pool capacity with one
/// conditional statement (<see cref="CapacityLedger"/>), insert the placement and its reconcile request. Never
/// overcommits under concurrency.
/// </summary>
public sealed class PlacementAdmission(IControlPlaneDb db, FleetLoader fleet, CapacityLedger ledger, ModelReferenceResolver models,
    SpendGuard spend, Rollouts.CanaryNameRule canaryNames, AuditTrail audit, AdmissionMetrics metrics, TimeProvider clock)
{
    /// <summary>What an admission read about the tenant, in one query.</summary>
    private sealed record AdmissionFacts(Tenant Tenant, bool NameTaken, MoneyLimits Money);

    /// <summary>How often to re-schedule when a concurrent admission took the chosen pool's last capacity.</summary>
    private const int ScheduleAttempts = 3;

    public static readonly JsonSerializerOptions DecisionJson = new(JsonSerializerDefaults.Web)
    {
        Converters = { WireNames.JsonConverter() },
    };

    /// <summary>Admits the placement or throws why not; either way the outcome is counted.</summary>
    public async Task<AdmittedPlacement> AdmitAsync(string tenantName, CreatePlacementRequest request, CancellationToken cancellationToken)
    {
        try
        {
            var admitted = await AdmitOrRefuseAsync(tenantName, request, cancellationToken);
            metrics.Counted(AdmissionMetrics.Admitted);
            return admitted;
        }
        catch (Exception refusal) when (refusal is not OperationCanceledException)
        {
            metrics.Counted(AdmissionMetrics.OutcomeOf(refusal));
            throw;
        }
    }

    // One connection, and for a tenant without money limits: the tenant with what admission needs to know about it (one
    // read), BEGIN, the reservation (one conditional statement), the inserts (one batch), COMMIT. The fleet comes from
    // this replica's cache; the response is built from the entities saved here.
    private async Task<AdmittedPlacement> AdmitOrRefuseAsync(string tenantName, CreatePlacementRequest request, CancellationToken cancellationToken)
    {
        var spec = PlacementValidation.ToSpec(request);
        return await db.InTransactionAsync(async () =>
        {
            var facts = await AdmissionFactsAsync(tenantName, request.Name, cancellationToken);
            var tenant = facts.Tenant;
            tenant.EnsureCanCreate();
            if (facts.NameTaken)
            {
                throw new ConflictException("already-exists", $"Tenant '{tenantName}' already has a live placement named '{request.Name}'.");
            }

            // Before the reservation's locks: the rule locks the placement whose canary the name would be, as a rollout start does first.
            await canaryNames.EnsureNotAnActiveCanaryAsync(tenant.Id, request.Name, cancellationToken);

            var model = await models.ResolveAsync(tenant.Id, request.Model, cancellationToken);
            var schedulingRequest = SchedulingRequestFor(tenant, spec, request.Name);
            var units = schedulingRequest.TotalUnits;
            var gpuResource = GpuResourceOf(spec);
            Fleet? stale = null;
            for (var attempt = 1; ; attempt++)
            {
                var (fleetNow, decision, view) = await DecideAsync(schedulingRequest, stale, cancellationToken);
                var chosen = decision.Chosen!;
                var (clusterId, poolId) = fleetNow.Ids[(chosen.Cluster, chosen.NodePool)];
                var pool = fleetNow.Snapshot.Pools.First(p => p.Cluster.Name == chosen.Cluster && p.Name == chosen.NodePool);
                // The price in force, read before the reservation's locks (and once per request).
                var quote = facts.Money.Any
                    ? await spend.QuoteAsync(new PoolPrice(pool.GpuModel, pool.CapacityType, pool.PricePerGpuHour), spec.MigProfile, cancellationToken)
                    : null;
                switch (await ledger.TakeAsync(CapacityLedger.AdmissionClaim(tenant.Id, gpuResource, poolId, spec.MigProfile, units), cancellationToken))
                {
                    case ReservationOutcome.QuotaShort shortOf:
                        throw QuotaExceeded(QuotaChecks(shortOf.Quotas, gpuResource, units));
                    case ReservationOutcome.PoolShort when attempt < ScheduleAttempts:
                        stale = fleetNow; // another admission (maybe on another replica) took the capacity: decide again on fresh data
                        continue;
                    case ReservationOutcome.PoolShort:
                        throw new ConflictException("insufficient-capacity", "The capacity was taken by concurrent admissions; retry.",
                            new Dictionary<string, object?> { ["decision"] = view });
                }

                // Budget hard cap and the monthly spend / GPU-hour quotas: only the month-to-date comparison under the locks.
                if (quote is not null)
                {
                    await spend.EnsureAffordableAsync(tenant.Id, tenant.Name, facts.Money, quote, units, cancellationToken);
                }

                var now = clock.GetUtcNow();
                var (placement, admitted) = Placement.Admit(tenant.Id, tenant.Name, request.Name, spec, clusterId, chosen.Cluster,
                    poolId, chosen.NodePool, chosen.RuntimeClass, chosen.HourlyPrice, JsonSerializer.Serialize(view, DecisionJson), now, model);
                db.Placements.Add(placement);
                db.PlacementTransitions.Add(admitted);
                db.ReconcileRequests.Add(ReconcileRequest.For(placement.Id, ReconcileAction.Apply, now));
                audit.Record("placement.create", $"tenants/{tenantName}/placements/{placement.Name}", tenantName,
                    new Dictionary<string, string> { ["cluster"] = chosen.Cluster, ["nodePool"] = chosen.NodePool, ["units"] = units.ToString(System.Globalization.CultureInfo.InvariantCulture) });
                await db.SaveChangesAsync(cancellationToken);
                return new AdmittedPlacement(placement, admitted);
            }
        }, cancellationToken);
    }

    /// <summary>The tenant, whether the name is taken by a live placement, and its money limits: one query.</summary>
    private async Task<AdmissionFacts> AdmissionFactsAsync(string tenantName, string placementName, CancellationToken cancellationToken)
    {
        var finished = PlacementPhases.Finished;
        var monthly = SpendGuard.MonthlyQuotas;
        var facts = await db.Tenants.AsNoTracking().Where(t => t.Name == tenantName).Select(t => new
        {
            Tenant = t,
            NameTaken = db.Placements.Any(p => p.TenantId == t.Id && p.Name == placementName && !finished.Contains(p.Phase)),
            HardCap = db.Budgets.Where(b => b.TenantId == t.Id && b.HardCap).FirstOrDefault(),
            Monthly = db.Quotas.Where(q => q.TenantId == t.Id && monthly.Contains(q.Resource)).ToList(),
        }).FirstOrDefaultAsync(cancellationToken) ?? throw new ResourceNotFoundException("tenant", tenantName);
        return new AdmissionFacts(facts.Tenant, facts.NameTaken, MoneyLimits.From(facts.HardCap, facts.Monthly));
    }

    /// <summary>
    /// Decides on this replica's cached fleet; a refusal on cached data is decided again on a fresh read, so that a
    /// stale cache can delay a choice but never refuse what the database would admit.
    /// </summary>
    private async Task<(Fleet Fleet, SchedulingDecision Decision, SchedulingDecisionView View)> DecideAsync(SchedulingRequest request, Fleet? stale,
        CancellationToken cancellationToken)
    {
        var current = await fleet.CurrentAsync(stale, cancellationToken);
        var decision = PlacementScheduler.Decide(request, current.Snapshot);
        if (decision.Outcome != SchedulingOutcome.Scheduled)
        {
            current = await fleet.CurrentAsync(current, cancellationToken);
            decision = PlacementScheduler.Decide(request, current.Snapshot);
        }

        var view = DecisionViews.From(decision);
        EnsureScheduled(decision, view);
        return (current, decision, view);
    }

    /// <summary>The same decision as an admission, without admitting anything.</summary>
    public async Task<PlacementPreviewResponse> PreviewAsync(string tenantName, CreatePlacementRequest request, CancellationToken cancellationToken)
    {
        var spec = PlacementValidation.ToSpec(request);
        var tenant = await TenantAsync(tenantName, cancellationToken);
        var schedulingRequest = SchedulingRequestFor(tenant, spec, request.Name);
        var gpuResource = GpuResourceOf(spec);
        string[] resources = [QuotaResource.Placements, gpuResource];
        var quotas = await db.Quotas.AsNoTracking().Where(q => q.TenantId == tenant.Id && resources.Contains(q.Resource))
            .ToDictionaryAsync(q => q.Resource, q => new QuotaUse(q.Limit, q.Used), cancellationToken);
        var checks = QuotaChecks(quotas, gpuResource, schedulingRequest.TotalUnits);
        // A preview reads the fleet as it is: it explains, and is not on the hot path.
        var current = await fleet.LoadAsync(cancellationToken);
        var decision = PlacementScheduler.Decide(schedulingRequest, current.Snapshot);

        // The money check admission would make on the chosen pool (budget hard cap, spend.monthly, gpu-hours.monthly).
        SpendCheck? spendCheck = null;
        if (decision.Chosen is { } chosen)
        {
            var pool = current.Snapshot.Pools.First(p => p.Cluster.Name == chosen.Cluster && p.Name == chosen.NodePool);
            var quote = await spend.QuoteAsync(new PoolPrice(pool.GpuModel, pool.CapacityType, pool.PricePerGpuHour), spec.MigProfile, cancellationToken);
            spendCheck = await spend.CheckAsync(tenant.Id, tenant.Name, await spend.LimitsAsync(tenant.Id, cancellationToken), quote,
                schedulingRequest.TotalUnits, cancellationToken);
        }

        return new PlacementPreviewResponse(
            tenant.State == TenantState.Active && checks.All(c => c.Sufficient) && decision.Outcome == SchedulingOutcome.Scheduled
                && spendCheck?.Allowed != false,
            checks, DecisionViews.From(decision), spendCheck);
    }

    private static string GpuResourceOf(PlacementSpec spec) =>
        spec.MigProfile is null ? QuotaResource.Gpu(spec.GpuModel!) : QuotaResource.Mig(spec.MigProfile);

    private static SchedulingRequest SchedulingRequestFor(Tenant tenant, PlacementSpec spec, string placementName) => new()
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
        // Equally good pools are spread over by placement, so concurrent admissions do not all contend for one pool row.
        TieBreaker = $"{tenant.Name}/{placementName}",
    };

    private static List<QuotaCheckView> QuotaChecks(IReadOnlyDictionary<string, QuotaUse> quotas, string gpuResource, long units) =>
    [
        Check(quotas, QuotaResource.Placements, 1),
        Check(quotas, gpuResource, units),
    ];

    private static QuotaCheckView Check(IReadOnlyDictionary<string, QuotaUse> quotas, string resource, long requested) =>
        quotas.TryGetValue(resource, out var quota)
            ? new QuotaCheckView(resource, quota.Limit, quota.Used, requested, Quota.Fits(quota.Used, quota.Limit, requested))
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

/// <summary>A placement just admitted, with its first transition: enough to answer without reading it back.</summary>
public sealed record AdmittedPlacement(Placement Placement, PlacementTransition Admitted);
