namespace ControlPlane.IntegrationTests.Models;

/// <summary>
/// What one pull costs the database (issue 14's pull regression): the version by names with its files and their
/// stored objects in one statement; the audit event goes through the group-committed audit log (shared by concurrent
/// pulls, outside EF Core, so not counted here).
/// </summary>
public sealed class PullCredentialStatementTests(StatementCountingApp app) : IClassFixture<StatementCountingApp>
{
    [Fact]
    public async Task Pull_credentials_cost_one_statement_and_cover_every_file()
    {
        var ci = await app.CreateTenantWithAccountAsync("counted-pull", "developer");
        await app.SetQuotaAsync("counted-pull", "storage.bytes", 1_000_000);
        using var client = app.ClientWithToken(ci.Token);
        await (await client.PostAsJsonAsync("/v1/tenants/counted-pull/models", new { name = "llm" })).ExpectAsync(HttpStatusCode.Created);
        var content = new byte[4096];
        new Random(14).NextBytes(content);
        var ready = await client.PublishAsync("counted-pull", "llm", content);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/tenants/counted-pull/models/llm/versions/1:pull-credentials")
        {
            Headers = { { StatementCounter.Header, "counted-pull" } },
        };
        var credentials = await (await client.SendAsync(request)).ExpectAsync(HttpStatusCode.OK);

        var count = app.Counter.For("counted-pull");
        Assert.True(count.Statements == 1 && count.Checkouts == 1,
            $"{count.Statements} statements, {count.Checkouts} checkouts:\n{string.Join("\n---\n", count.Sql)}");
        var file = Assert.Single(credentials.GetProperty("files").EnumerateArray());
        Assert.Equal(ready.GetProperty("digest").GetString(), file.GetProperty("digest").GetString());
        using var download = new HttpClient();
        Assert.Equal(content, await download.GetByteArrayAsync(credentials.GetProperty("presignedUrl").GetString()));
    }
}
