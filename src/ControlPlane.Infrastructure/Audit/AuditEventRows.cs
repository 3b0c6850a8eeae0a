using System.Text.Json;
using ControlPlane.Domain.Audit;
using ControlPlane.Infrastructure.Persistence;
using Npgsql;
using NpgsqlTypes;

namespace ControlPlane.Infrastructure.Audit;

/// <summary>
/// Many audit events in one statement: one array per column, unnest'ed into audit_events. The group-commit log and the
/// SLO pass (its state changes, in the transaction that stores them) both insert this way.
/// </summary>
internal static class AuditEventRows
{
    public static NpgsqlCommand InsertCommand(NpgsqlConnection connection, IReadOnlyList<AuditEvent> events) => new(
        """
        INSERT INTO audit_events (time, actor, tenant, action, target, outcome, request_id, details)
        SELECT * FROM unnest(@time, @actor, @tenant, @action, @target, @outcome, @request_id, @details)
        """, connection)
    {
        Parameters =
        {
            ArrayParameter.Of("time", NpgsqlDbType.TimestampTz, events.Select(e => e.Time)),
            ArrayParameter.Of("actor", NpgsqlDbType.Text, events.Select(e => e.Actor)),
            ArrayParameter.Of("tenant", NpgsqlDbType.Text, events.Select(e => e.Tenant)),
            ArrayParameter.Of("action", NpgsqlDbType.Text, events.Select(e => e.Action)),
            ArrayParameter.Of("target", NpgsqlDbType.Text, events.Select(e => e.Target)),
            ArrayParameter.Of("outcome", NpgsqlDbType.Text, events.Select(e => e.Outcome)),
            ArrayParameter.Of("request_id", NpgsqlDbType.Text, events.Select(e => e.RequestId)),
            ArrayParameter.Of("details", NpgsqlDbType.Jsonb, events.Select(e => JsonSerializer.Serialize(e.Details))),
        },
    };
}
