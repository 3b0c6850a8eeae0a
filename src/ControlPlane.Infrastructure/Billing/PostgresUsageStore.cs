using System.Data;
using ControlPlane.Application.Billing;
using ControlPlane.Domain.Billing;
using ControlPlane.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace ControlPlane.Infrastructure.Billing;

/// <summary>
/// usage_events (append-only, unique by tenant + source + id) and usage_hourly (the rollup statements read), written
/// set-wise in one statement: the batch arrives as one array per column (unnest), one INSERT keeps the new events
/// (ON CONFLICT DO NOTHING decides what is new, also between concurrent identical batches) and adds exactly those to
/// the rollup. Arrays rather than a binary COPY into a staging table: one round trip instead of three, no temporary
/// table to fill, scan and empty, each column encoded by one converter in a loop instead of a bind per value (measured
/// A/B per 1,000-event batch: 3–4.5 ms less PostgreSQL CPU, 0.7–3.8 ms less client CPU). Both tables are hand-written
/// in the Billing migration (their bounded scales in BillingPrecision, the primary key's column order in
/// UsageIngestionIndexes). Dimensions are stored as their canonical key (UsageDimensions.KeyOf, reversible with
/// UsageDimensions.Parse): no JSON to parse per row on the way in or out.
/// </summary>
internal sealed class PostgresUsageStore(ControlPlaneDbContext db) : IUsageStore
{
    // Sorted inserts and upserts: concurrent batches take their row locks in the same order and cannot deadlock. The
    // batch arrives deduplicated and sorted (AppendAsync), so the statement neither sorts nor compares its 1,000 rows:
    // that sort (DISTINCT ON over tenant, source, id) was a tenth of PostgreSQL's CPU per batch (measured). Quantities
    // go through the column's numeric type as they did through the staging column. Hours are date_bin'd from a UTC
    // origin: plain arithmetic, independent of the session's time zone.
    private const string Merge = $"""
        WITH inserted AS (
            INSERT INTO usage_events (tenant_id, source, event_id, meter, subject, time, quantity, dimension_key)
            SELECT * FROM unnest(@tenant_id, @source, @event_id, @meter, @subject, @time, @quantity::{Quantities.EventColumn}[], @dimension_key)
            ON CONFLICT DO NOTHING
            RETURNING tenant_id, meter, time, dimension_key, subject, quantity
        ), rolled AS (
            INSERT INTO usage_hourly AS h (tenant_id, hour, meter, dimension_key, subject, quantity, events)
            SELECT tenant_id, date_bin('1 hour', time, timestamptz '2000-01-01 00:00:00+00'), meter, dimension_key, subject, sum(quantity), count(*)
            FROM inserted GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
            ON CONFLICT (tenant_id, hour, meter, dimension_key, subject)
            DO UPDATE SET quantity = h.quantity + excluded.quantity, events = h.events + excluded.events
        )
        SELECT count(*)::int FROM inserted
        """;

    public async Task<int> AppendAsync(IReadOnlyList<UsageRecord> records, CancellationToken cancellationToken)
    {
        var connection = await ConnectionInTransactionAsync();
        // The primary key's order (tenant, id, source; ordinal): one total order for every batch and replica. A batch's
        // repeated key keeps its first copy (position breaks ties), the rest are duplicates whatever the database holds.
        var order = new int[records.Count];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        Array.Sort(order, (x, y) => KeyOrder(records[x], records[y]) is var byKey and not 0 ? byKey : x.CompareTo(y));
        var rows = new List<UsageRecord>(order.Length);
        foreach (var i in order)
        {
            if (rows.Count == 0 || KeyOrder(rows[^1], records[i]) != 0)
            {
                rows.Add(records[i]);
            }
        }

        var n = rows.Count;
        var (tenants, sources, ids, meters, subjects, times, quantities, dimensions) =
            (new Guid[n], new string[n], new string[n], new string[n], new string[n], new DateTime[n], new decimal[n], new string[n]);
        for (var i = 0; i < n; i++)
        {
            var r = rows[i];
            (tenants[i], sources[i], ids[i], meters[i], subjects[i]) = (r.TenantId, r.Source, r.Id, r.Meter, r.Subject);
            (times[i], quantities[i], dimensions[i]) = (r.Time.UtcDateTime, r.Quantity, UsageDimensions.KeyOf(r.Dimensions));
        }

        await using var merge = new NpgsqlCommand(Merge, connection)
        {
            Parameters =
            {
                new NpgsqlParameter<Guid[]>("tenant_id", tenants),
                new NpgsqlParameter<string[]>("source", sources),
                new NpgsqlParameter<string[]>("event_id", ids),
                new NpgsqlParameter<string[]>("meter", meters),
                new NpgsqlParameter<string[]>("subject", subjects),
                new NpgsqlParameter<DateTime[]>("time", times), // UTC: timestamptz[]
                new NpgsqlParameter<decimal[]>("quantity", quantities),
                new NpgsqlParameter<string[]>("dimension_key", dimensions),
            },
        };
        return (int)(await merge.ExecuteScalarAsync(cancellationToken))!;
    }

    private static int KeyOrder(UsageRecord a, UsageRecord b) =>
        a.TenantId != b.TenantId ? a.TenantId.CompareTo(b.TenantId)
        : string.CompareOrdinal(a.Id, b.Id) is var byId and not 0 ? byId : string.CompareOrdinal(a.Source, b.Source);

    // Quantities are read with trim_scale: the column's fixed scale would otherwise show 14400 as 14400.000000.
    public async Task<IReadOnlyList<UsageAggregate>> AggregatesAsync(Guid? tenantId, DateTimeOffset from, DateTimeOffset to, bool fromRawEvents,
        CancellationToken cancellationToken)
    {
        var tenantFilter = tenantId is null ? "" : "tenant_id = @tenant AND ";
        var sql = fromRawEvents
            ? $"""
              SELECT tenant_id, meter, dimension_key, subject, date_bin('1 hour', time, timestamptz '2000-01-01 00:00:00+00') AS hour,
                  trim_scale(sum(quantity)::{Quantities.SumColumn}), count(*)
              FROM usage_events WHERE {tenantFilter}time >= @from AND time < @to
              GROUP BY tenant_id, meter, dimension_key, subject, hour
              """
            : $"""
              SELECT tenant_id, meter, dimension_key, subject, hour, trim_scale(quantity), events
              FROM usage_hourly WHERE {tenantFilter}hour >= @from AND hour < @to
              """;
        return await WithConnectionAsync(async connection =>
        {
            await using var command = new NpgsqlCommand(sql, connection);
            if (tenantId is { } id)
            {
                command.Parameters.AddWithValue("tenant", id);
            }

            command.Parameters.AddWithValue("from", from.ToUniversalTime());
            command.Parameters.AddWithValue("to", to.ToUniversalTime());
            var rows = new List<UsageAggregate>();
            var dimensionCache = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var key = reader.GetString(2);
                if (!dimensionCache.TryGetValue(key, out var dimensions))
                {
                    dimensionCache[key] = dimensions = UsageDimensions.Parse(key);
                }

                rows.Add(new UsageAggregate(reader.GetGuid(0), reader.GetString(1), dimensions, reader.GetString(3),
                    reader.GetFieldValue<DateTimeOffset>(4), reader.GetDecimal(5), reader.GetInt64(6)));
            }

            return rows;
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<(Guid TenantId, DateTimeOffset Month)>> MonthsWithUsageAsync(Guid? tenantId, DateTimeOffset before,
        CancellationToken cancellationToken)
    {
        var sql = $"""
            SELECT DISTINCT tenant_id, date_trunc('month', hour, 'UTC') FROM usage_hourly
            WHERE {(tenantId is null ? "" : "tenant_id = @tenant AND ")}hour < @before AND hour >= @since
            """;
        return await WithConnectionAsync(async connection =>
        {
            await using var command = new NpgsqlCommand(sql, connection);
            if (tenantId is { } id)
            {
                command.Parameters.AddWithValue("tenant", id);
            }

            command.Parameters.AddWithValue("before", before.ToUniversalTime());
            command.Parameters.AddWithValue("since", before.ToUniversalTime().AddYears(-2));
            var months = new List<(Guid, DateTimeOffset)>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                months.Add((reader.GetGuid(0), reader.GetFieldValue<DateTimeOffset>(1)));
            }

            return months;
        }, cancellationToken);
    }

    public async Task LockTenantsAsync(IEnumerable<Guid> tenantIds, bool exclusive, CancellationToken cancellationToken)
    {
        var connection = await ConnectionInTransactionAsync();
        var function = exclusive ? "pg_advisory_xact_lock" : "pg_advisory_xact_lock_shared";
        await using var command = new NpgsqlCommand(
            $"SELECT count({function}(hashtextextended('usage:' || t::text, 0))) FROM (SELECT DISTINCT unnest(@tenants) AS t ORDER BY 1) ids",
            connection);
        command.Parameters.AddWithValue("tenants", tenantIds.Distinct().Order().ToArray());
        await command.ExecuteScalarAsync(cancellationToken);
    }

    public async Task<DateTimeOffset> LockWatermarkAsync(string meter, Guid tenantId, Func<Task<DateTimeOffset>> initial,
        CancellationToken cancellationToken)
    {
        var connection = await ConnectionInTransactionAsync();
        await using (var ensure = new NpgsqlCommand(
            "INSERT INTO metering_watermarks (meter, tenant_id, up_to) VALUES (@meter, @tenant, NULL) ON CONFLICT DO NOTHING", connection))
        {
            ensure.Parameters.AddWithValue("meter", meter);
            ensure.Parameters.AddWithValue("tenant", tenantId);
            await ensure.ExecuteNonQueryAsync(cancellationToken);
        }

        // FOR UPDATE waits for a replica in the middle of a step and then reads the watermark it moved: skipping a busy
        // row instead would make the accrued total depend on which replica happened to lock first.
        await using var command = new NpgsqlCommand(
            "SELECT up_to FROM metering_watermarks WHERE meter = @meter AND tenant_id = @tenant FOR UPDATE", connection);
        command.Parameters.AddWithValue("meter", meter);
        command.Parameters.AddWithValue("tenant", tenantId);
        return await command.ExecuteScalarAsync(cancellationToken) is DateTime at
            ? new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc), TimeSpan.Zero)
            : await initial();
    }

    public async Task AdvanceWatermarkAsync(string meter, Guid tenantId, DateTimeOffset upTo, CancellationToken cancellationToken)
    {
        var connection = await ConnectionInTransactionAsync();
        await using var command = new NpgsqlCommand(
            "UPDATE metering_watermarks SET up_to = @upTo WHERE meter = @meter AND tenant_id = @tenant", connection);
        command.Parameters.AddWithValue("meter", meter);
        command.Parameters.AddWithValue("tenant", tenantId);
        command.Parameters.AddWithValue("upTo", upTo.ToUniversalTime());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public Task<IReadOnlyDictionary<string, DateTimeOffset>> WatermarksAsync(CancellationToken cancellationToken) =>
        WithConnectionAsync<IReadOnlyDictionary<string, DateTimeOffset>>(async connection =>
        {
            await using var command = new NpgsqlCommand(
                "SELECT meter, min(up_to) FROM metering_watermarks WHERE up_to IS NOT NULL GROUP BY meter", connection);
            var watermarks = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                watermarks[reader.GetString(0)] = reader.GetFieldValue<DateTimeOffset>(1);
            }

            return watermarks;
        }, cancellationToken);

    private Task<NpgsqlConnection> ConnectionInTransactionAsync() =>
        db.Database.CurrentTransaction is null
            ? throw new InvalidOperationException("Usage is written and locked inside a transaction.")
            : Task.FromResult((NpgsqlConnection)db.Database.GetDbConnection());

    private async Task<T> WithConnectionAsync<T>(Func<NpgsqlConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var opened = connection.State != ConnectionState.Open;
        if (opened)
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
        }

        try
        {
            return await work(connection);
        }
        finally
        {
            if (opened)
            {
                await db.Database.CloseConnectionAsync();
            }
        }
    }
}
