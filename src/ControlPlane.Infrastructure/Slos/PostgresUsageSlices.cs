using System.Data;
using ControlPlane.Application.Slos;
using ControlPlane.Domain.Billing;
using ControlPlane.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace ControlPlane.Infrastructure.Slos;

/// <summary>Raw usage events binned into slices (date_bin from a fixed UTC origin, like the hourly rollup).</summary>
internal sealed class PostgresUsageSlices(ControlPlaneDbContext db) : IUsageSlices
{
    public async Task<IReadOnlyList<UsageAggregate>> SlicesAsync(IReadOnlyCollection<Guid> tenantIds, IReadOnlyCollection<string> subjects,
        DateTimeOffset from, DateTimeOffset to, TimeSpan slice, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT tenant_id, meter, dimension_key, subject, date_bin(@slice, time, timestamptz '2000-01-01 00:00:00+00') AS slice, sum(quantity), count(*)
            FROM usage_events
            WHERE tenant_id = ANY(@tenants) AND subject = ANY(@subjects) AND time >= @from AND time < @to
            GROUP BY tenant_id, meter, dimension_key, subject, slice
            """;
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var opened = connection.State != ConnectionState.Open;
        if (opened)
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
        }

        try
        {
            await using var command = new NpgsqlCommand(sql, connection);
            command.Parameters.AddWithValue("slice", slice);
            command.Parameters.AddWithValue("tenants", tenantIds.ToArray());
            command.Parameters.AddWithValue("subjects", subjects.ToArray());
            command.Parameters.AddWithValue("from", from.ToUniversalTime());
            command.Parameters.AddWithValue("to", to.ToUniversalTime());
            var rows = new List<UsageAggregate>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(new UsageAggregate(reader.GetGuid(0), reader.GetString(1), UsageDimensions.Parse(reader.GetString(2)), reader.GetString(3),
                    reader.GetFieldValue<DateTimeOffset>(4), reader.GetDecimal(5), reader.GetInt64(6)));
            }

            return rows;
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
