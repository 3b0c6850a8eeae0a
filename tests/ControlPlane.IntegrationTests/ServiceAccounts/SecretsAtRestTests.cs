namespace ControlPlane.IntegrationTests.ServiceAccounts;

/// <summary>Client secrets never rest in plain text: not in the OAuth client store, not in stored idempotent responses.</summary>
public sealed class SecretsAtRestTests(ControlPlaneApp app) : IClassFixture<ControlPlaneApp>
{
    [Fact]
    public async Task A_dump_of_the_database_holds_no_client_secret_and_a_replay_still_returns_it()
    {
        using var op = await app.OperatorClientAsync();
        (await op.PostAsJsonAsync("/v1/tenants", new { name = "at-rest", displayName = "At rest" })).EnsureSuccessStatusCode();
        var secrets = new List<string>();
        var clientIds = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var created = await (await op.SendAsync(CreateAccount($"ci-{i}", $"create-{i}"))).ExpectAsync(HttpStatusCode.Created);
            secrets.Add(created.GetProperty("clientSecret").GetString()!);
            clientIds.Add(created.GetProperty("clientId").GetString()!);
        }

        var rotated = await (await op.PostAsync("/v1/tenants/at-rest/service-accounts/ci-0:rotate-secret", null)).ExpectAsync(HttpStatusCode.OK);
        secrets.Add(rotated.GetProperty("clientSecret").GetString()!);

        // The retry of a creation whose response was lost gets the secret once more, from the encrypted record.
        var replay = await op.SendAsync(CreateAccount("ci-1", "create-1"));
        var replayed = await replay.ExpectAsync(HttpStatusCode.Created);
        Assert.True(replay.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(secrets[1], replayed.GetProperty("clientSecret").GetString());

        var dump = await PostgresServer.DumpAsync(app.ConnectionString);
        Assert.All(clientIds, clientId => Assert.Contains(clientId, dump, StringComparison.Ordinal)); // the dump is of the right database
        Assert.All(secrets, secret => Assert.DoesNotContain(secret, dump, StringComparison.Ordinal));
        Assert.All(secrets, secret => Assert.DoesNotContain(secret["cps_".Length..], dump, StringComparison.Ordinal));
    }

    private static HttpRequestMessage CreateAccount(string name, string key) =>
        new(HttpMethod.Post, "/v1/tenants/at-rest/service-accounts")
        {
            Content = JsonContent.Create(new { name, role = "developer" }),
            Headers = { { "Idempotency-Key", key } },
        };
}
