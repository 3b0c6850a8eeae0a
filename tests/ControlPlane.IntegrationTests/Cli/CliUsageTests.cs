using System.Text.Json;
using ControlPlane.Cli;

namespace ControlPlane.IntegrationTests.Cli;

/// <summary>`controlplane usage send`: batches of 1,000, a lost answer retried with the same ids, each event counted once.</summary>
public sealed class CliUsageTests(BillingApp app) : IClassFixture<BillingApp>, IDisposable
{
    private readonly string _file = Path.GetTempFileName();

    [Fact]
    public async Task A_batch_whose_answer_was_lost_is_sent_again_and_every_event_is_counted_once()
    {
        await app.EnsurePriceBookAsync();
        var ci = await app.CreateTenantWithAccountAsync("meter", "developer");
        var at = DateTimeOffset.UtcNow.AddMinutes(-5);
        await File.WriteAllLinesAsync(_file, Enumerable.Range(0, 1500)
            .Select(i => JsonSerializer.Serialize(BillingFixtures.Event($"e-{i}", "tokens-in", at, 1000m, new { model = "llm" }))));
        using var cli = new CliRunner(app, ci.ClientId, ci.ClientSecret);
        var lost = false;
        cli.Requests.Interfere = (request, response) =>
        {
            if (lost || request.RequestUri!.AbsolutePath != "/v1/usage-events:batch")
            {
                return null;
            }

            // The service stored the first batch; its answer never arrives.
            lost = true;
            response.Dispose();
            return new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { Headers = { RetryAfter = new(TimeSpan.Zero) } };
        };

        var sent = await cli.RunAsync("usage", "send", "-f", _file, "-o", "json");
        var again = await cli.RunAsync("usage", "send", "-f", _file, "-o", "json");

        Assert.True(sent.ExitCode == ExitCodes.Ok, sent.ToString());
        var summary = JsonDocument.Parse(sent.Stdout).RootElement;
        Assert.Equal((500, 1000, 0), (summary.GetProperty("accepted").GetInt32(), summary.GetProperty("duplicates").GetInt32(), summary.GetProperty("errors").GetInt32()));
        Assert.Equal(3 + 2, cli.Requests.Count("/v1/usage-events:batch"));
        var repeated = JsonDocument.Parse(again.Stdout).RootElement;
        Assert.Equal((0, 1500), (repeated.GetProperty("accepted").GetInt32(), repeated.GetProperty("duplicates").GetInt32()));
        using var client = app.ClientWithToken(ci.Token);
        Assert.Equal(1500m * 1000m, (await client.CostsAsync("meter", "meter")).Quantity("tokens-in", "tokens-in"));

        var costs = await cli.RunAsync("costs", "--group-by", "meter", "-o", "json");
        Assert.True(costs.ExitCode == ExitCodes.Ok, costs.ToString());
        Assert.Equal(1500m * 1000m * BillingFixtures.TokensInLlm, JsonDocument.Parse(costs.Stdout).RootElement.GetProperty("total").GetDecimal());
    }

    public void Dispose() => File.Delete(_file);
}
