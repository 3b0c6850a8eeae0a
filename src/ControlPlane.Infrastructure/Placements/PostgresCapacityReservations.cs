using System.Text.Json;
using ControlPlane.Application.Placements;
using ControlPlane.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace ControlPlane.Infrastructure.Placements;

/// <summary>
/// Reservations as conditional updates in one statement: the quota rows are locked in resource order and the pool row
/// after them (it joins their verdict, so it cannot be locked first), every amount is checked under those locks, and
/// the updates apply only when all of them fit — all or nothing, one round trip, no deadlock with any other path.
/// </summary>
internal sealed class PostgresCapacityReservations(ControlPlaneDbContext db) : ICapacityReservations
{
    // Free units of the pool for the claim, under its lock: whole GPUs, or slices of one MIG profile (per-GPU slices ×
    // GPUs). The same rule as NodePool.FreeUnits, evaluated where the row is locked.
    private const string FreeUnits = """
        CASE WHEN @profile IS NULL THEN p.gpus_per_node::bigint * p.node_count - p.allocated_gpus
        ELSE (SELECT coalesce(sum((m ->> 'perGpu')::bigint), 0) FROM jsonb_array_elements(p.mig_profiles) m WHERE m ->> 'profile' = @profile)
             * p.gpus_per_node * p.node_count - coalesce((p.allocated_mig_slices ->> @profile)::bigint, 0) END
        """;

    private const string Take = $"""
        WITH claimed AS MATERIALIZED (
            SELECT q.resource, q."limit", q.used, c.amount
            FROM quotas q JOIN unnest(@resources, @amounts) AS c(resource, amount) ON c.resource = q.resource
            WHERE q.tenant_id = @tenant
            ORDER BY q.resource
            FOR UPDATE OF q
        ), quota_fits AS MATERIALIZED (
            SELECT count(*) = cardinality(@resources) AND coalesce(bool_and(used + amount <= "limit"), true) AS fits FROM claimed
        ), pool AS MATERIALIZED (
            SELECT p.id, {FreeUnits} AS free
            FROM node_pools p JOIN quota_fits ON quota_fits.fits
            WHERE p.id = @pool
            FOR UPDATE OF p
        ), granted AS MATERIALIZED (
            SELECT EXISTS (SELECT 1 FROM pool WHERE free >= @units) AS ok
        ), taken_quotas AS (
            UPDATE quotas q SET used = q.used + c.amount, updated_at = @now
            FROM claimed c, granted
            WHERE granted.ok AND q.tenant_id = @tenant AND q.resource = c.resource AND q.used + c.amount <= q."limit"
        ), taken_pool AS (
            UPDATE node_pools p
            SET allocated_gpus = p.allocated_gpus + CASE WHEN @profile IS NULL THEN @units ELSE 0 END,
                allocated_mig_slices = CASE WHEN @profile IS NULL THEN p.allocated_mig_slices
                    ELSE jsonb_set(p.allocated_mig_slices, ARRAY[@profile], to_jsonb(coalesce((p.allocated_mig_slices ->> @profile)::bigint, 0) + @units)) END,
                updated_at = @now
            FROM granted
            WHERE granted.ok AND p.id = @pool AND {FreeUnits} >= @units
        )
        SELECT json_build_object(
            'taken', (SELECT ok FROM granted),
            'free', (SELECT free FROM pool),
            'quotas', (SELECT coalesce(json_agg(json_build_object('resource', resource, 'limit', "limit", 'used', used)), '[]') FROM claimed)
        )::text AS "Value"
        """;

    private const string GiveBack = """
        UPDATE quotas q SET used = greatest(0, q.used - c.amount), updated_at = @now
        FROM (SELECT q.resource, c.amount
              FROM quotas q JOIN unnest(@resources, @amounts) AS c(resource, amount) ON c.resource = q.resource
              WHERE q.tenant_id = @tenant ORDER BY q.resource FOR UPDATE OF q) c
        WHERE q.tenant_id = @tenant AND q.resource = c.resource;
        UPDATE node_pools p
        SET allocated_gpus = greatest(0, p.allocated_gpus - CASE WHEN @profile IS NULL THEN @units ELSE 0 END),
            allocated_mig_slices = CASE WHEN @profile IS NULL THEN p.allocated_mig_slices
                ELSE jsonb_set(p.allocated_mig_slices, ARRAY[@profile], to_jsonb(greatest(0, coalesce((p.allocated_mig_slices ->> @profile)::bigint, 0) - @units))) END,
            updated_at = @now
        WHERE p.id = @pool
        """;

    public async Task<ReservationOutcome> TryTakeAsync(CapacityClaim claim, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // Enumerated as written: composing (First, Single) would wrap the statement in a subquery, where PostgreSQL refuses
        // a WITH that modifies data.
        var json = (await db.Database.SqlQueryRaw<string>(Take, Parameters(claim, now)).ToListAsync(cancellationToken))[0];
        var found = JsonSerializer.Deserialize<Found>(json, JsonSerializerOptions.Web)!;
        var quotas = found.Quotas.ToDictionary(q => q.Resource, q => new QuotaUse(q.Limit, q.Used), StringComparer.Ordinal);
        if (found.Taken)
        {
            return new ReservationOutcome.Taken();
        }

        return quotas.Count == claim.Quotas.Count && claim.Quotas.All(c => quotas[c.Key].Used + c.Value <= quotas[c.Key].Limit)
            ? new ReservationOutcome.PoolShort(found.Free ?? 0)
            : new ReservationOutcome.QuotaShort(quotas);
    }

    public async Task GiveBackAsync(CapacityClaim claim, DateTimeOffset now, CancellationToken cancellationToken) =>
        await db.Database.ExecuteSqlRawAsync(GiveBack, Parameters(claim, now), cancellationToken);

    private static NpgsqlParameter[] Parameters(CapacityClaim claim, DateTimeOffset now) =>
    [
        new("tenant", NpgsqlDbType.Uuid) { Value = claim.TenantId },
        new("resources", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = claim.Quotas.Keys.ToArray() },
        new("amounts", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = claim.Quotas.Values.ToArray() },
        new("pool", NpgsqlDbType.Uuid) { Value = claim.PoolId },
        new("profile", NpgsqlDbType.Text) { Value = (object?)claim.MigProfile ?? DBNull.Value },
        new("units", NpgsqlDbType.Bigint) { Value = claim.PoolUnits },
        new("now", NpgsqlDbType.TimestampTz) { Value = now },
    ];

    private sealed record Found(bool Taken, long? Free, List<FoundQuota> Quotas);

    private sealed record FoundQuota(string Resource, long Limit, long Used);
}
