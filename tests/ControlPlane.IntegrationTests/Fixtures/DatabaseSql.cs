using Npgsql;

namespace ControlPlane.IntegrationTests.Fixtures;

/// <summary>Plain SQL against a test's own database: arranging rows the API would take long to write, and reading what a user cannot see.</summary>
public static class DatabaseSql
{
    public static async Task<int> ExecuteSqlAsync(this ControlPlaneApp app, string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        await using var command = Command(sql, connection, parameters);
        return await command.ExecuteNonQueryAsync();
    }

    public static async Task<T> ScalarSqlAsync<T>(this ControlPlaneApp app, string sql, params (string Name, object Value)[] parameters)
    {
        var column = await app.ColumnSqlAsync<T>(sql, parameters);
        return Assert.Single(column);
    }

    /// <summary>The first column of every row.</summary>
    public static async Task<List<T>> ColumnSqlAsync<T>(this ControlPlaneApp app, string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        await using var command = Command(sql, connection, parameters);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<T>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetFieldValue<T>(0));
        }

        return values;
    }

    private static NpgsqlCommand Command(string sql, NpgsqlConnection connection, (string Name, object Value)[] parameters)
    {
        // Arranging thousands of rows on a loaded two-core machine can take longer than Npgsql's default 30 s.
        var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 300 };
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }
}
