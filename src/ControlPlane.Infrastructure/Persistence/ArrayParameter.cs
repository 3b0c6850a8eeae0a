using Npgsql;
using NpgsqlTypes;

namespace ControlPlane.Infrastructure.Persistence;

/// <summary>A column of a set-wise statement: all rows' values of one column as one array parameter (for unnest).</summary>
internal static class ArrayParameter
{
    public static NpgsqlParameter Of<T>(string name, NpgsqlDbType elementType, IEnumerable<T> values) =>
        new(name, NpgsqlDbType.Array | elementType) { Value = values.ToArray() };
}
