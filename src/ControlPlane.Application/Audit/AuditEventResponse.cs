namespace ControlPlane.Application.Audit;

/// <summary>One entry of the audit trail.</summary>
/// <param name="Id">Monotonically increasing id.</param>
/// <param name="Time">When the mutation committed (UTC).</param>
/// <param name="Actor">The OAuth client id of the caller, or "system".</param>
/// <param name="Tenant">The tenant the target belongs to, if any.</param>
/// <param name="Action">What was done, e.g. "tenant.create".</param>
/// <param name="Target">The resource acted on, as a path.</param>
/// <param name="Outcome">"succeeded" for committed mutations.</param>
/// <param name="RequestId">The request (trace) id, for correlation with logs.</param>
/// <param name="Details">Extra facts about the change.</param>
public sealed record AuditEventResponse(
    long Id, DateTimeOffset Time, string Actor, string? Tenant, string Action, string Target, string Outcome,
    string? RequestId, IReadOnlyDictionary<string, string> Details);

/// <summary>Filters of the audit trail; all optional and combined with AND.</summary>
/// <param name="Tenant">Only events of this tenant.</param>
/// <param name="Actor">Only events by this actor.</param>
/// <param name="Action">Only this action (e.g. "service-account.delete") or, ending in '.', this action prefix.</param>
/// <param name="From">Events at or after this time.</param>
/// <param name="To">Events before this time.</param>
public sealed record AuditEventFilter(string? Tenant, string? Actor, string? Action, DateTimeOffset? From, DateTimeOffset? To);
