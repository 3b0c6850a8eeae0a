namespace ControlPlane.IntegrationTests.Tenants;

public sealed class TenantValidationTests(ControlPlaneApp app) : IClassFixture<ControlPlaneApp>
{
    [Fact]
    public async Task Invalid_fields_get_400_with_each_field_named_and_nothing_written()
    {
        using var op = await app.OperatorClientAsync();
        var response = await op.PostAsJsonAsync("/v1/tenants", new
        {
            name = "Not_A_Label", displayName = new string('x', 201), allowedRegions = new[] { "EU North" },
            labels = new Dictionary<string, string> { ["bad key!"] = "v" },
        });
        var problem = await response.ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("name", out _));
        Assert.True(errors.TryGetProperty("displayName", out _));
        Assert.True(errors.TryGetProperty("allowedRegions[0]", out _));
        Assert.True(errors.TryGetProperty("labels.bad key!", out _));

        var list = await (await op.GetAsync("/v1/tenants")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(0, list.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Unknown_enum_value_is_a_400_naming_the_field()
    {
        using var op = await app.OperatorClientAsync();
        var response = await op.PostAsJsonAsync("/v1/tenants", new { name = "enumtest", isolationTier = "titanium" });
        var problem = await response.ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("isolationTier", out _));
    }

    [Fact]
    public async Task Malformed_json_is_a_400_problem()
    {
        using var op = await app.OperatorClientAsync();
        var response = await op.PostAsync("/v1/tenants", new StringContent("{\"name\": ", System.Text.Encoding.UTF8, "application/json"));
        await response.ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
    }

    [Fact]
    public async Task Duplicate_name_is_a_409()
    {
        using var op = await app.OperatorClientAsync();
        await (await op.PostAsJsonAsync("/v1/tenants", new { name = "dup" })).ExpectAsync(HttpStatusCode.Created);
        await (await op.PostAsJsonAsync("/v1/tenants", new { name = "dup" })).ExpectProblemAsync(HttpStatusCode.Conflict, "already-exists");
    }

    [Fact]
    public async Task Stale_if_match_is_a_412_and_the_update_is_not_applied()
    {
        using var op = await app.OperatorClientAsync();
        var created = await op.PostAsJsonAsync("/v1/tenants", new { name = "etag-test" });
        var staleEtag = created.Headers.ETag!.ToString();
        await SendPatchAsync(op, "etag-test", new { displayName = "first" }, staleEtag, HttpStatusCode.OK);
        await SendPatchAsync(op, "etag-test", new { displayName = "second" }, staleEtag, HttpStatusCode.PreconditionFailed);
        var current = await (await op.GetAsync("/v1/tenants/etag-test")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("first", current.GetProperty("displayName").GetString());
    }

    [Fact]
    public async Task List_is_cursor_paginated_in_name_order()
    {
        using var op = await app.OperatorClientAsync();
        foreach (var name in new[] { "page-c", "page-a", "page-e", "page-b", "page-d" })
        {
            await (await op.PostAsJsonAsync("/v1/tenants", new { name })).ExpectAsync(HttpStatusCode.Created);
        }

        var names = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var url = "/v1/tenants?pageSize=2" + (token is null ? "" : "&pageToken=" + Uri.EscapeDataString(token));
            var page = await (await op.GetAsync(url)).ExpectAsync(HttpStatusCode.OK);
            names.AddRange(page.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("name").GetString()!));
            token = page.GetProperty("nextPageToken").GetString();
            pages++;
        }
        while (token is not null && pages < 20);

        var pageNames = names.Where(n => n.StartsWith("page-", StringComparison.Ordinal)).ToList();
        Assert.Equal(["page-a", "page-b", "page-c", "page-d", "page-e"], pageNames);
        Assert.Equal(names.Count, names.Distinct().Count());
        var suspended = await (await op.GetAsync("/v1/tenants?state=suspended")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(0, suspended.GetProperty("items").GetArrayLength());
        await (await op.GetAsync("/v1/tenants?state=frozen")).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        await (await op.GetAsync("/v1/tenants?pageSize=500")).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        await (await op.GetAsync("/v1/tenants?pageToken=garbage")).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
    }

    private static async Task SendPatchAsync(HttpClient client, string tenant, object body, string ifMatch, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"/v1/tenants/{tenant}") { Content = JsonContent.Create(body) };
        request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        await (await client.SendAsync(request)).ExpectAsync(expected);
    }
}
