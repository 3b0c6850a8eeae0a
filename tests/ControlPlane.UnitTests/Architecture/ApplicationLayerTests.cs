using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using System.Text.RegularExpressions;
using ControlPlane.Application.Placements;

namespace ControlPlane.UnitTests.Architecture;

/// <summary>
/// SQL text and the raw database API live in Infrastructure, behind ports named for what they do: read from the
/// compiled Application assembly (its member references and string literals), so comments do not count and nothing
/// written in code escapes.
/// </summary>
public partial class ApplicationLayerTests
{
    private static readonly string[] RawDatabaseMembers =
    [
        "FromSql", "FromSqlRaw", "FromSqlInterpolated", "ExecuteSql", "ExecuteSqlAsync", "ExecuteSqlRaw", "ExecuteSqlRawAsync",
        "ExecuteSqlInterpolated", "ExecuteSqlInterpolatedAsync", "SqlQuery", "SqlQueryRaw", "get_Database",
    ];

    [Fact]
    public void Application_never_uses_the_raw_database_api()
    {
        using var assembly = Open();
        var reader = assembly.GetMetadataReader();
        var used = reader.MemberReferences.Select(h => reader.GetString(reader.GetMemberReference(h).Name))
            .Concat(reader.TypeReferences.Select(h => reader.GetString(reader.GetTypeReference(h).Name)))
            .Where(name => RawDatabaseMembers.Contains(name) || name == "DatabaseFacade")
            .Distinct().ToList();

        Assert.Empty(used);
    }

    [Fact]
    public void Application_holds_no_sql_text()
    {
        using var assembly = Open();
        var reader = assembly.GetMetadataReader();
        var sql = new List<string>();
        for (var handle = MetadataTokens.UserStringHandle(1); !handle.IsNil; handle = reader.GetNextHandle(handle))
        {
            var text = reader.GetUserString(handle);
            if (SqlText().IsMatch(text))
            {
                sql.Add(text);
            }
        }

        Assert.Empty(sql);
    }

    private static PEReader Open() => new(File.OpenRead(typeof(CapacityLedger).Assembly.Location));

    [GeneratedRegex(@"\b(SELECT|INSERT\s+INTO|DELETE\s+FROM|UPDATE\s+\w+\s+SET|FOR\s+UPDATE|ON\s+CONFLICT|LOCK\s+TABLE|LISTEN|NOTIFY)\b|pg_\w+\(")]
    private static partial Regex SqlText();
}
