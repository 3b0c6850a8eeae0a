namespace ControlPlane.Domain.Audit;

/// <summary>One append-only record of who did what to which resource, and how it ended.</summary>
public sealed class AuditEvent
{
    private AuditEvent()
    {
    }

    public long Id { get; private set; }
    public DateTimeOffset Time { get; private set; }
    public string Actor { get; private set; } = "";
    public string? Tenant { get; private set; }
    public string Action { get; private set; } = "";
    public string Target { get; private set; } = "";
    public string Outcome { get; private set; } = "";
    public string? RequestId { get; private set; }
    public Dictionary<string, string> Details { get; private set; } = [];

    public static AuditEvent Record(DateTimeOffset time, string actor, string? tenant, string action, string target,
        string outcome, string? requestId, IDictionary<string, string>? details = null) => new()
    {
        Time = time,
        Actor = actor,
        Tenant = tenant,
        Action = action,
        Target = target,
        Outcome = outcome,
        RequestId = requestId,
        Details = details is null ? [] : new Dictionary<string, string>(details, StringComparer.Ordinal),
    };
}
