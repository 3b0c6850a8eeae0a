using ControlPlane.Domain.Audit;

namespace ControlPlane.Application.Audit;

/// <summary>
/// Durable appends of audit events that belong to no database transaction of their own (issuing credentials mutates
/// nothing else). The task completes once the event is committed, so nothing is handed out unaudited.
/// </summary>
public interface IAuditLog
{
    Task AppendAsync(AuditEvent auditEvent, CancellationToken cancellationToken);
}
