using ControlPlane.Application.Abstractions;
using ControlPlane.Domain.Audit;

namespace ControlPlane.Application.Audit;

/// <summary>Adds an audit event to the unit of work, so that it commits (or not) together with the mutation it describes.</summary>
public sealed class AuditTrail(IControlPlaneDb db, IAuditLog log, ICallerContext context, TimeProvider clock)
{
    public const string Succeeded = "succeeded";

    /// <summary>The outcome of an attempt the service turned down (a refused token exchange).</summary>
    public const string Refused = "refused";

    /// <param name="actor">Who acted, when not the authenticated caller (a workload identified by its own token).</param>
    public void Record(string action, string target, string? tenant, IDictionary<string, string>? details = null, string? actor = null) =>
        db.AuditEvents.Add(Event(action, target, tenant, details, actor));

    /// <summary>The event <see cref="Record"/> would add, for a writer that stores many events with its own rows in one statement.</summary>
    public AuditEvent Event(string action, string target, string? tenant, IDictionary<string, string>? details = null, string? actor = null) =>
        AuditEvent.Record(clock.GetUtcNow(), actor ?? context.Caller.Subject, tenant, action, target, Succeeded, context.RequestId, details);

    /// <summary>
    /// Commits an event that accompanies no other write (e.g. credentials handed out), batched with concurrent ones:
    /// one round trip and one commit for many requests, and still durable before the caller answers.
    /// </summary>
    public Task AppendAsync(string action, string target, string? tenant, IDictionary<string, string>? details = null, string? actor = null,
        CancellationToken cancellationToken = default, string outcome = Succeeded) =>
        log.AppendAsync(AuditEvent.Record(
            clock.GetUtcNow(), actor ?? context.Caller.Subject, tenant, action, target, outcome, context.RequestId, details), cancellationToken);
}
