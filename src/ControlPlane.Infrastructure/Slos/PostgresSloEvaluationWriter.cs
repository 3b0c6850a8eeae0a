using ControlPlane.Application.Slos;
using ControlPlane.Infrastructure.Audit;
using ControlPlane.Infrastructure.Persistence;
using Npgsql;
using NpgsqlTypes;

namespace ControlPlane.Infrastructure.Slos;

/// <summary>
/// A pass's status and history in one statement: one array per column, unnest'ed; the UPDATE takes only rows whose
/// xmin is still the one the pass loaded (EF Core's concurrency token of the SLO), and the history INSERT only the rows
/// the UPDATE took. State-change audit events of those rows follow in the same transaction (AuditEventRows). For 10,000
/// SLOs that replaces 20,000 tracked entities and their per-row statements (README: "SLOs and error budgets", Scale).
/// </summary>
internal sealed class PostgresSloEvaluationWriter(NpgsqlDataSource database) : ISloEvaluationWriter
{
    // The status columns are the ones Slo.Assessed sets. The xmin comparison goes through text: xid has no cast to bigint.
    private const string StoreStatusAndHistory = """
        WITH input AS (
            SELECT * FROM unnest(@id, @version, @state, @state_reason, @sli, @budget_total, @budget_consumed, @budget_remaining,
                @burn_rates, @firing_alerts, @evaluated_at)
                AS i(id, version, state, state_reason, sli, budget_total, budget_consumed, budget_remaining, burn_rates, firing_alerts, evaluated_at)
        ), stored AS (
            UPDATE slos s SET state = i.state, state_reason = i.state_reason, sli = i.sli, budget_total = i.budget_total,
                budget_consumed = i.budget_consumed, budget_remaining = i.budget_remaining, burn_rates = i.burn_rates,
                firing_alerts = i.firing_alerts, evaluated_at = i.evaluated_at
            FROM input i WHERE s.id = i.id AND s.xmin::text::bigint = i.version
            RETURNING s.id, s.xmin::text::bigint AS version
        ), history AS (
            INSERT INTO slo_evaluations (slo_id, at, state, sli, budget_remaining, burn_rates)
            SELECT h.slo_id, h.at, h.state, h.sli, h.budget_remaining, h.burn_rates
            FROM unnest(@point_slo_id, @point_at, @point_state, @point_sli, @point_budget_remaining, @point_burn_rates)
                AS h(slo_id, at, state, sli, budget_remaining, burn_rates)
            JOIN stored ON stored.id = h.slo_id
        )
        SELECT id, version FROM stored
        """;

    public async Task<IReadOnlyDictionary<Guid, uint>> StoreAsync(IReadOnlyList<SloEvaluated> evaluations, CancellationToken cancellationToken)
    {
        var stored = new Dictionary<Guid, uint>();
        if (evaluations.Count == 0)
        {
            return stored;
        }

        var slos = evaluations.Select(e => e.Slo).ToList();
        var points = evaluations.Select(e => e.Point).ToList();
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var command = new NpgsqlCommand(StoreStatusAndHistory, connection, transaction)
        {
            Parameters =
            {
                ArrayParameter.Of("id", NpgsqlDbType.Uuid, slos.Select(s => s.Id)),
                ArrayParameter.Of("version", NpgsqlDbType.Bigint, slos.Select(s => (long)s.Version)),
                ArrayParameter.Of("state", NpgsqlDbType.Text, slos.Select(s => s.State.ToString())),
                ArrayParameter.Of("state_reason", NpgsqlDbType.Text, slos.Select(s => s.StateReason)),
                ArrayParameter.Of("sli", NpgsqlDbType.Double, slos.Select(s => s.Sli)),
                ArrayParameter.Of("budget_total", NpgsqlDbType.Double, slos.Select(s => s.BudgetTotal)),
                ArrayParameter.Of("budget_consumed", NpgsqlDbType.Double, slos.Select(s => s.BudgetConsumed)),
                ArrayParameter.Of("budget_remaining", NpgsqlDbType.Double, slos.Select(s => s.BudgetRemaining)),
                ArrayParameter.Of("burn_rates", NpgsqlDbType.Jsonb, slos.Select(s => JsonColumn.Serialize(s.BurnRates))),
                ArrayParameter.Of("firing_alerts", NpgsqlDbType.Jsonb, slos.Select(s => JsonColumn.Serialize(s.FiringAlerts))),
                ArrayParameter.Of("evaluated_at", NpgsqlDbType.TimestampTz, slos.Select(s => s.EvaluatedAt)),
                ArrayParameter.Of("point_slo_id", NpgsqlDbType.Uuid, points.Select(p => p.SloId)),
                ArrayParameter.Of("point_at", NpgsqlDbType.TimestampTz, points.Select(p => p.At)),
                ArrayParameter.Of("point_state", NpgsqlDbType.Text, points.Select(p => p.State.ToString())),
                ArrayParameter.Of("point_sli", NpgsqlDbType.Double, points.Select(p => p.Sli)),
                ArrayParameter.Of("point_budget_remaining", NpgsqlDbType.Double, points.Select(p => p.BudgetRemaining)),
                ArrayParameter.Of("point_burn_rates", NpgsqlDbType.Jsonb, points.Select(p => JsonColumn.Serialize(p.BurnRates))),
            },
        })
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                stored[reader.GetGuid(0)] = (uint)reader.GetInt64(1);
            }
        }

        var audited = evaluations.Where(e => e.StateChange is not null && stored.ContainsKey(e.Slo.Id)).Select(e => e.StateChange!).ToList();
        if (audited.Count > 0)
        {
            await using var audit = AuditEventRows.InsertCommand(connection, audited);
            audit.Transaction = transaction;
            await audit.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return stored;
    }
}
