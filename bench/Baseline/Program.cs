using System.Text.Json;
using System.Text.Json.Serialization;
using Npgsql;

// The ceiling the ControlPlane service is compared with: no auth, no middleware, no EF Core, no logging per request;
// one parameterised Npgsql query per request against the same PostgreSQL database, JSON out.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var connectionString = builder.Configuration.GetConnectionString("ControlPlane")
    ?? throw new InvalidOperationException("ConnectionStrings:ControlPlane is not set.");
builder.Services.AddSingleton(_ => NpgsqlDataSource.Create(connectionString));
builder.Services.ConfigureHttpJsonOptions(options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, BaselineJson.Default));

var app = builder.Build();
app.MapGet("/healthz", () => Results.Text("ok"));
app.MapGet("/tenants/{name}", async (string name, NpgsqlDataSource db, CancellationToken cancellationToken) =>
{
    await using var command = db.CreateCommand("SELECT id, name, display_name FROM tenants WHERE name = $1");
    command.Parameters.Add(new NpgsqlParameter { Value = name });
    await using var reader = await command.ExecuteReaderAsync(cancellationToken);
    if (!await reader.ReadAsync(cancellationToken))
    {
        return Results.NotFound();
    }

    return Results.Ok(new TenantRow(reader.GetGuid(0), reader.GetString(1), reader.GetString(2)));
});
await app.RunAsync();

/// <summary>The row the baseline returns.</summary>
/// <param name="Id">Tenant id.</param>
/// <param name="Name">Tenant name.</param>
/// <param name="DisplayName">Display name.</param>
internal sealed record TenantRow(Guid Id, string Name, string DisplayName);

/// <summary>Source-generated JSON for <see cref="TenantRow"/>.</summary>
[JsonSerializable(typeof(TenantRow))]
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
internal sealed partial class BaselineJson : JsonSerializerContext;
