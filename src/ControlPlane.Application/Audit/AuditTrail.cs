using ControlPlane.Application.Abstractions;
using ControlPlane.Domain.Audit;

namespace ControlPlane.Application.Audit;

/// <summary>Adds an audit event to the unit of work, so that it commits (or not) together with the mutation it describes.</summary>
public sealed class AuditTrail(IControlPlaneDb db, ICallerContext context, TimeProvider clock)
{
    public const string Succeeded = "succeeded";

    public void Record(string action, string target, string? tenant, IDictionary<string, string>? details = null) =>
        db.AuditEvents.Add(AuditEvent.Record(
            clock.GetUtcNow(), context.Caller.Subject, tenant, action, target, Succeeded, context.RequestId, details));
}
