using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ControlPlane.IntegrationTests.Operations;

public sealed class OpenApiDocumentTests(ControlPlaneApp app) : IClassFixture<ControlPlaneApp>
{
    [Fact]
    public async Task Committed_document_matches_what_the_code_produces()
    {
        using var client = app.CreateClient();
        var served = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json"));
        var committed = JsonNode.Parse(RepositoryFiles.Committed("openapi/controlplane-v1.json"));
        Assert.True(JsonNode.DeepEquals(served, committed),
            "openapi/controlplane-v1.json is stale: build the API project (it regenerates the file) and commit the result.");
    }

    [Fact]
    public async Task Document_is_openapi_3_1_with_client_credentials_and_every_operation_and_schema_described()
    {
        using var client = app.CreateClient();
        var document = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json"))!;
        Assert.StartsWith("3.1", document["openapi"]!.GetValue<string>(), StringComparison.Ordinal);
        var scheme = document["components"]!["securitySchemes"]!["oauth2"]!;
        Assert.Equal("/connect/token", scheme["flows"]!["clientCredentials"]!["tokenUrl"]!.GetValue<string>());

        var operations = document["paths"]!.AsObject().SelectMany(path => path.Value!.AsObject()
            .Select(op => (Name: $"{op.Key.ToUpperInvariant()} {path.Key}", Operation: op.Value!))).ToList();
        Assert.NotEmpty(operations);
        foreach (var (name, operation) in operations)
        {
            Assert.False(string.IsNullOrWhiteSpace(operation["summary"]?.GetValue<string>()), $"{name} has no summary");
            Assert.False(string.IsNullOrWhiteSpace(operation["description"]?.GetValue<string>()), $"{name} has no description");
            Assert.NotNull(operation["security"]);
        }

        foreach (var (name, schema) in document["components"]!["schemas"]!.AsObject())
        {
            Assert.False(string.IsNullOrWhiteSpace(schema!["description"]?.GetValue<string>()), $"schema {name} has no description");
        }
    }

    /// <summary>What a generated client reads from the document is what the API sends: one wire name per enum value.</summary>
    [Fact]
    public async Task Every_enum_in_the_document_lists_the_names_the_api_serializes()
    {
        using var client = app.CreateClient();
        var document = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json"))!;
        var json = app.Services.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        var enums = new[] { typeof(Domain.Common.WireNames).Assembly, typeof(Application.Common.Page<>).Assembly }
            .SelectMany(a => a.GetTypes()).Where(t => t.IsEnum).GroupBy(t => t.Name).ToDictionary(g => g.Key, g => g.Single());
        var compared = 0;
        foreach (var (name, schema) in document["components"]!["schemas"]!.AsObject())
        {
            if (schema!["enum"] is not JsonArray listed)
            {
                continue;
            }

            Assert.True(enums.TryGetValue(name, out var type), $"schema {name} lists values but names no enum of the service");
            var served = Enum.GetValues(type).Cast<object>().Select(value => JsonSerializer.Deserialize<string>(JsonSerializer.Serialize(value, type, json)));
            // A nullable enum's schema lists null too: that is JSON null, not a name.
            Assert.Equal(served, listed.Where(value => value is not null).Select(value => value!.GetValue<string>()));
            compared++;
        }

        Assert.True(compared >= 15, $"only {compared} enums in the document");
    }

    /// <summary>Swagger UI and generated clients show a request that works: every JSON body has an example that binds.</summary>
    [Fact]
    public async Task Every_json_request_body_has_an_example_that_binds_to_its_type()
    {
        using var client = app.CreateClient();
        var document = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json"))!;
        var bodies = document["paths"]!.AsObject().SelectMany(path => path.Value!.AsObject()
            .Where(op => op.Value!["requestBody"]?["content"]?["application/json"] is not null)
            .Select(op => (Name: $"{op.Key.ToUpperInvariant()} {path.Key}", Media: op.Value!["requestBody"]!["content"]!["application/json"]!))).ToList();
        Assert.True(bodies.Count >= 15, $"only {bodies.Count} JSON request bodies");
        Assert.All(bodies, body => Assert.True(body.Media["example"] is not null, $"{body.Name} has no request example (add one to RequestExamples)"));

        var json = app.Services.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        foreach (var (type, example) in Api.OpenApi.RequestExamples.ByType)
        {
            Assert.NotNull(JsonSerializer.Deserialize(example, type, json));
        }
    }

    [Fact]
    public async Task Swagger_ui_is_served()
    {
        using var client = app.CreateClient();
        var html = await client.GetStringAsync("/swagger/index.html");
        Assert.Contains("swagger-ui", html, StringComparison.Ordinal);
    }
}
