using ControlPlane.Application.Abstractions;
using ControlPlane.Application.Audit;
using ControlPlane.Application.Common;
using ControlPlane.Domain.Common;
using ControlPlane.Domain.Placements;
using ControlPlane.Domain.Scheduling;
using ControlPlane.Domain.Slos;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Application.Slos;

/// <summary>Tenants declare, read and delete SLOs; every change queues the placement's PrometheusRules for the reconciler.</summary>
public sealed class SloService(IControlPlaneDb db, ISloLocks locks, IOpenSloFormat openSlo, AuditTrail audit, TimeProvider clock)
{
    private static readonly TimeSpan MinWindow = TimeSpan.FromHours(1);
    private static readonly TimeSpan MaxWindow = TimeSpan.FromDays(90);

    /// <summary>Creates or replaces the SLO; returns it and whether it was created.</summary>
    public async Task<(Versioned<SloResponse> Slo, bool Created)> PutAsync(string tenantName, string name, PutSloRequest request, string? ifMatch,
        CancellationToken cancellationToken)
    {
        var (indicator, rules) = Validate(name, request);
        return await db.InTransactionAsync(async () =>
        {
            var tenantId = await db.RequireTenantIdAsync(tenantName, cancellationToken);
            var placement = await LivePlacementAsync(tenantId, request.Placement!, cancellationToken);
            var errors = new FieldErrors();
            errors.AddIf(placement is null, "placement", $"tenant '{tenantName}' has no active placement '{request.Placement}'");
            errors.AddIf(placement is { Kind: not PlacementKind.Inference }, "placement", "SLOs measure serving placements (kind inference)");
            foreach (var (rule, index) in rules.Select((r, i) => (r, i)).Where(r => r.r.Action == RemediationAction.Fallback))
            {
                errors.AddIf(rule.Placement == request.Placement, $"remediation[{index}].placement", "must be another placement than the SLO's");
                errors.AddIf(await LivePlacementAsync(tenantId, rule.Placement!, cancellationToken) is not { Kind: PlacementKind.Inference },
                    $"remediation[{index}].placement", $"tenant '{tenantName}' has no active inference placement '{rule.Placement}'");
            }

            errors.ThrowIfAny();
            var now = clock.GetUtcNow();
            var slo = await locks.LockAsync(tenantId, name, cancellationToken);
            var created = slo is null;
            if (slo is null)
            {
                if (ifMatch is not null && ifMatch != "*")
                {
                    throw new PreconditionFailedException("slo", name);
                }

                slo = Slo.Define(tenantId, tenantName, name, request.Placement!, request.Objective!.Value, request.Window!, indicator, rules, now);
                db.Slos.Add(slo);
            }
            else
            {
                if (ifMatch is not null && !ConcurrencyToken.Matches(ifMatch, slo.Version))
                {
                    throw new PreconditionFailedException("slo", name);
                }

                if (slo.Placement != request.Placement && await LivePlacementAsync(tenantId, slo.Placement, cancellationToken) is { } previous)
                {
                    // The rule leaves the old placement's namespace objects too.
                    db.ReconcileRequests.Add(ReconcileRequest.For(previous.Id, ReconcileAction.SyncSloRules, now));
                }

                slo.Redefine(request.Placement!, request.Objective!.Value, request.Window!, indicator, rules, now);
            }

            db.ReconcileRequests.Add(ReconcileRequest.For(placement!.Id, ReconcileAction.SyncSloRules, now));
            audit.Record(created ? "slo.create" : "slo.update", Target(tenantName, name), tenantName, new Dictionary<string, string>
            {
                ["placement"] = slo.Placement, ["objective"] = slo.Objective.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["window"] = slo.Window, ["indicator"] = WireNames.Of(slo.Indicator.Kind),
            });
            await db.SaveChangesAsync(cancellationToken);
            return (new Versioned<SloResponse>(ToResponse(slo), slo.Version), created);
        }, cancellationToken);
    }

    public async Task<Versioned<SloResponse>> GetAsync(string tenantName, string name, CancellationToken cancellationToken)
    {
        var slo = await LoadAsync(tenantName, name, cancellationToken);
        return new(ToResponse(slo), slo.Version);
    }

    public async Task<Page<SloResponse>> ListAsync(string tenantName, PageRequest page, CancellationToken cancellationToken)
    {
        var tenantId = await db.RequireTenantIdAsync(tenantName, cancellationToken);
        var query = db.Slos.AsNoTracking().Where(s => s.TenantId == tenantId);
        if (page.After is { } after)
        {
            query = query.Where(s => string.Compare(s.Name, after) > 0);
        }

        var rows = await query.OrderBy(s => s.Name).Take(page.PageSize + 1).ToListAsync(cancellationToken);
        return page.ToPage(rows, s => s.Name, ToResponse);
    }

    /// <summary>The SLO's rule groups as a Prometheus rules file: exactly what the PrometheusRule in the tenant namespace holds.</summary>
    public async Task<string> RulesFileAsync(string tenantName, string name, CancellationToken cancellationToken) =>
        RulesFile.ToYaml(SloRules.For(await LoadAsync(tenantName, name, cancellationToken)));

    /// <summary>The SLO as an OpenSLO v1 document (YAML).</summary>
    public async Task<string> OpenSloAsync(string tenantName, string name, CancellationToken cancellationToken) =>
        openSlo.Export(await LoadAsync(tenantName, name, cancellationToken));

    /// <summary>Creates or replaces the SLO an OpenSLO v1 document describes (remediation rules are not part of OpenSLO: none).</summary>
    public async Task<(Versioned<SloResponse> Slo, bool Created)> ImportAsync(string tenantName, string document, CancellationToken cancellationToken)
    {
        var (name, request) = openSlo.Import(document);
        return await PutAsync(tenantName, name, request, null, cancellationToken);
    }

    /// <summary>Deletes the SLO; the reconciler removes its PrometheusRule, and remediations in force are undone by the next evaluation of nothing.</summary>
    public async Task DeleteAsync(string tenantName, string name, string? ifMatch, CancellationToken cancellationToken) =>
        await db.InTransactionAsync(async () =>
        {
            var tenantId = await db.RequireTenantIdAsync(tenantName, cancellationToken);
            var slo = await locks.LockAsync(tenantId, name, cancellationToken)
                ?? throw new ResourceNotFoundException("slo", name);
            if (ifMatch is not null && !ConcurrencyToken.Matches(ifMatch, slo.Version))
            {
                throw new PreconditionFailedException("slo", name);
            }

            db.Slos.Remove(slo);
            var now = clock.GetUtcNow();
            if (await LivePlacementAsync(tenantId, slo.Placement, cancellationToken) is { } placement)
            {
                db.ReconcileRequests.Add(ReconcileRequest.For(placement.Id, ReconcileAction.SyncSloRules, now));
            }

            audit.Record("slo.delete", Target(tenantName, name), tenantName);
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }, cancellationToken);

    public async Task<SloHistoryResponse> HistoryAsync(string tenantName, string name, DateTimeOffset? from, DateTimeOffset? to, string? step,
        CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var end = to ?? clock.GetUtcNow();
        var start = from ?? end - TimeSpan.FromDays(1);
        var stepText = step ?? "5m";
        errors.AddIf(!SloWindow.TryParse(stepText, out var stepLength), "step", SloWindow.Rule);
        errors.AddIf(start >= end, "from", "must be before to");
        errors.AddIf(end - start > MaxWindow, "to", "at most 90 days after from");
        errors.ThrowIfAny();
        var slo = await LoadAsync(tenantName, name, cancellationToken);
        var rows = await db.SloEvaluations.AsNoTracking().Where(e => e.SloId == slo.Id && e.At >= start && e.At <= end)
            .OrderBy(e => e.At).ToListAsync(cancellationToken);
        // The last evaluation of each step stands for it.
        var points = rows.GroupBy(e => (e.At - start).Ticks / stepLength.Ticks).Select(g => g.Last())
            .Select(e => new SloHistoryPoint(e.At, e.State, e.Sli, e.BudgetRemaining, e.BurnRates)).ToList();
        return new SloHistoryResponse(name, start, end, stepText, points);
    }

    internal static string Target(string tenant, string name) => $"tenants/{tenant}/slos/{name}";

    private async Task<Slo> LoadAsync(string tenantName, string name, CancellationToken cancellationToken)
    {
        var tenantId = await db.RequireTenantIdAsync(tenantName, cancellationToken);
        return await db.Slos.AsNoTracking().FirstOrDefaultAsync(s => s.TenantId == tenantId && s.Name == name, cancellationToken)
            ?? throw new ResourceNotFoundException("slo", name);
    }

    private Task<Placement?> LivePlacementAsync(Guid tenantId, string name, CancellationToken cancellationToken) =>
        db.Placements.AsNoTracking().Where(p => p.TenantId == tenantId && p.Name == name && !PlacementPhases.Finished.Contains(p.Phase)
            && p.Phase != PlacementPhase.Terminating).FirstOrDefaultAsync(cancellationToken);

    private static (SloIndicator Indicator, List<RemediationRule> Rules) Validate(string name, PutSloRequest request)
    {
        var errors = new FieldErrors();
        errors.AddIf(!ResourceName.IsValid(name), "name", ResourceName.Rule);
        errors.AddIf(!ResourceName.IsValid(request.Placement), "placement", ResourceName.Rule);
        errors.AddIf(request.Objective is not (> 0 and < 100) || double.IsNaN(request.Objective.Value), "objective",
            "a percentage above 0 and below 100, e.g. 99.5");
        errors.AddIf(!SloWindow.TryParse(request.Window, out var window) || window < MinWindow || window > MaxWindow, "window",
            SloWindow.Rule + ", from 1h to 90d");
        var indicator = request.Indicator;
        errors.AddIf(indicator?.Kind is null, "indicator.kind", "is required: availability, latency or cost");
        if (indicator?.Kind is SloIndicatorKind.Availability or SloIndicatorKind.Latency)
        {
            errors.AddIf(indicator.Metrics is null, "indicator.metrics", "is required: otel-http, vllm or triton");
            errors.AddIf(indicator.MaxCostPer1kInferences is not null, "indicator.maxCostPer1kInferences", "only for a cost indicator");
        }

        errors.AddIf(indicator?.Kind == SloIndicatorKind.Latency && indicator.ThresholdSeconds is not (> 0 and <= 3600), "indicator.thresholdSeconds",
            "a latency indicator needs a threshold in seconds (a bucket boundary of the preset's histogram), at most 3600");
        errors.AddIf(indicator?.Kind != SloIndicatorKind.Latency && indicator?.ThresholdSeconds is not null, "indicator.thresholdSeconds", "only for a latency indicator");
        if (indicator?.Kind == SloIndicatorKind.Cost)
        {
            errors.AddIf(indicator.MaxCostPer1kInferences is not (> 0 and <= 1_000_000), "indicator.maxCostPer1kInferences",
                "a cost indicator needs the most 1,000 inferences may cost, above 0");
            errors.AddIf(indicator.Metrics is not null, "indicator.metrics", "a cost indicator is measured from metering, not a metrics preset");
        }

        var rules = new List<RemediationRule>();
        foreach (var (rule, i) in (request.Remediation ?? []).Select((r, i) => (r, i)))
        {
            errors.AddIf(rule?.On is null, $"remediation[{i}].on", "is required: fast-burn, slow-burn or budget-exhausted");
            errors.AddIf(rule?.Action is null, $"remediation[{i}].action", "is required: scale-to-max, fallback or freeze-rollouts");
            var fallback = rule?.Action == RemediationAction.Fallback;
            errors.AddIf(fallback && !ResourceName.IsValid(rule!.Placement), $"remediation[{i}].placement", "fallback names the placement that takes the traffic");
            errors.AddIf(fallback && rule!.Weight is not (>= 1 and <= 100), $"remediation[{i}].weight", "fallback shifts 1 to 100 percent of the traffic");
            errors.AddIf(!fallback && (rule?.Placement is not null || rule?.Weight is not null), $"remediation[{i}]", "placement and weight are only for fallback");
            if (rule is { On: { } on, Action: { } action })
            {
                rules.Add(new RemediationRule(on, action, fallback ? rule.Placement : null, fallback ? rule.Weight : null));
            }
        }

        errors.AddIf(rules.GroupBy(r => r.Action).Any(g => g.Count() > 1), "remediation", "each action at most once");
        errors.AddIf(rules.Count > 10, "remediation", "at most 10 rules");
        errors.ThrowIfAny();
        return (new SloIndicator(indicator!.Kind!.Value, indicator.Metrics, indicator.ThresholdSeconds, indicator.MaxCostPer1kInferences), rules);
    }

    internal static SloResponse ToResponse(Slo s) => new(
        s.Id, s.Tenant, s.Name, s.Placement, s.Objective, s.Window, s.Indicator, s.Remediation,
        new SloStatusResponse(s.State, s.StateReason, s.Sli,
            s.Budget is { } b ? new ErrorBudgetResponse(b.Total, b.Consumed, b.Remaining) : null,
            s.BurnRates, s.FiringAlerts, s.ActiveRemediations, s.RolloutsFrozen, s.EvaluatedAt),
        s.CreatedAt, s.UpdatedAt);
}
