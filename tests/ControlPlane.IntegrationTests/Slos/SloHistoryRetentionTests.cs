using ControlPlane.Application.Slos;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ControlPlane.IntegrationTests.Slos;

/// <summary>An SLO's evaluation history is kept for its window plus a margin, and pruned by the evaluation passes in batches.</summary>
public sealed class SloHistoryRetentionTests(SloAppWithoutWorker app) : IClassFixture<SloAppWithoutWorker>
{
    [Fact]
    public async Task History_older_than_the_window_plus_margin_is_pruned_in_bounded_batches_and_the_rest_stays_readable()
    {
        await app.RegisterClusterWithPrometheusAsync("retention-slo", "retention-slo-region");
        using var client = await app.TenantWithPlacementsAsync("slo-retention", "retention-slo-region", 1, "chat");
        foreach (var (name, window) in new[] { ("hourly", "1h"), ("weekly", "7d") })
        {
            await (await client.PutAsJsonAsync($"/v1/tenants/slo-retention/slos/{name}", new
            {
                placement = "chat", objective = 99, window, indicator = new { kind = "availability", metrics = "otel-http" },
            })).ExpectAsync(HttpStatusCode.Created);
        }

        // Retention: 1h + 1 day margin = 25 h for "hourly", 8 days for "weekly". 30 stale points of "hourly" (26–55 h old),
        // its points 24 h and 1 h old, and 30 points of "weekly" 26–55 h old (within its retention).
        var now = DateTimeOffset.UtcNow;
        var stale = Enumerable.Range(26, 30).Select(h => now.AddHours(-h)).ToList();
        await InsertHistoryAsync("hourly", [.. stale, now.AddHours(-24), now.AddHours(-1)]);
        await InsertHistoryAsync("weekly", stale);

        // Passes that may prune 12 rows each (interval zero: every pass claims both SLOs again).
        var settings = new SloOptions { EvaluationInterval = TimeSpan.Zero, HistoryPruneBatchSize = 12 };
        var pruned = new List<int>();
        for (var pass = 0; pass < 4; pass++)
        {
            using var scope = app.Services.CreateScope();
            var evaluator = ActivatorUtilities.CreateInstance<SloEvaluator>(scope.ServiceProvider, Options.Create(settings));
            pruned.Add((await evaluator.EvaluateDueAsync(CancellationToken.None)).HistoryPruned);
        }

        Assert.Equal([12, 12, 6, 0], pruned);
        Assert.Equal(0, await CountHistoryAsync("hourly", now.AddHours(-25)));
        Assert.Equal(2 + 4, await CountHistoryAsync("hourly", now.AddDays(1)));
        Assert.Equal(30 + 4, await CountHistoryAsync("weekly", now.AddDays(1)));

        // Within retention the history reads as before: the points 24 h and 1 h old, then the passes' own.
        var from = Uri.EscapeDataString(now.AddHours(-25).ToString("O"));
        var history = await (await client.GetAsync($"/v1/tenants/slo-retention/slos/hourly/history?from={from}&step=1m")).ExpectAsync(HttpStatusCode.OK);
        var times = history.GetProperty("points").EnumerateArray().Select(p => p.GetProperty("at").GetDateTimeOffset()).ToList();
        Assert.True(times.Count >= 3, string.Join(", ", times));
        Assert.Equal(now.AddHours(-24), times[0], TimeSpan.FromSeconds(1));
        Assert.Equal(now.AddHours(-1), times[1], TimeSpan.FromSeconds(1));
        Assert.All(times.Skip(2), t => Assert.True(t >= now.AddSeconds(-1)));
    }

    private async Task InsertHistoryAsync(string slo, IReadOnlyList<DateTimeOffset> times) =>
        Assert.Equal(times.Count, await app.ExecuteSqlAsync(
            """
            INSERT INTO slo_evaluations (slo_id, at, state, sli, budget_remaining, burn_rates)
            SELECT s.id, t, 'Healthy', 0.999, 0.5, '{}'::jsonb FROM slos s, unnest(@times) AS t WHERE s.name = @slo
            """, ("times", times.Select(t => t.UtcDateTime).ToArray()), ("slo", slo)));

    private Task<long> CountHistoryAsync(string slo, DateTimeOffset before) => app.ScalarSqlAsync<long>(
        "SELECT count(*) FROM slo_evaluations e JOIN slos s ON s.id = e.slo_id WHERE s.name = @slo AND e.at < @before",
        ("slo", slo), ("before", before.UtcDateTime));
}
