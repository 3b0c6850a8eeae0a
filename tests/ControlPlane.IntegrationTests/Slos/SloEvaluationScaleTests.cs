using System.Diagnostics;
using ControlPlane.Application.Slos;
using ControlPlane.Domain.Slos;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace ControlPlane.IntegrationTests.Slos;

/// <summary>
/// The batched SLI read at the scale: 10,000 SLOs over 1,000 placements (100 tenants × 10 placements, half
/// availability and half latency) against the run's real Prometheus. The number of queries per pass does not depend on
/// the number of SLOs; the time is written to the test output (README: "SLOs and error budgets").
/// </summary>
public sealed class SloEvaluationScaleTests(SloAppWithoutWorker app, ITestOutputHelper output) : IClassFixture<SloAppWithoutWorker>
{
    [Fact]
    public async Task Ten_thousand_SLOs_over_a_thousand_placements_are_read_with_as_many_queries_as_ten()
    {
        var (url, exporter) = await PrometheusServer.SharedAsync();
        var prometheus = new PrometheusConnection("bench", url, null);
        var now = DateTimeOffset.UtcNow;
        var slos = new List<Slo>();
        for (var t = 0; t < 100; t++)
        {
            for (var p = 0; p < 10; p++)
            {
                exporter.Serve($"t-bench-{t}", SloWorld.PodOf($"p{p}"), ok: 100, errors: p, slowShare: 0.01 * p);
                for (var s = 0; s < 10; s++)
                {
                    var indicator = s < 5
                        ? new SloIndicator(SloIndicatorKind.Availability, MetricsPreset.OtelHttp, null, null)
                        : new SloIndicator(SloIndicatorKind.Latency, MetricsPreset.OtelHttp, 0.3, null);
                    slos.Add(Slo.Define(Guid.NewGuid(), $"bench-{t}", $"s{s}", $"p{p}", 99, "1d", indicator, [], now));
                }
            }
        }

        // Wait until Prometheus has enough samples of every placement for the shortest window.
        await Eventually.MatchesAsync(async () => await ReadAsync(prometheus, slos), r => r.Readings.Values.All(x => x.ErrorRatios.Count == 8),
            "every SLO read over its eight windows", TimeSpan.FromSeconds(90));

        var large = await ReadAsync(prometheus, slos);
        var small = await ReadAsync(prometheus, [.. slos.Where(s => s.Tenant == "bench-0" && s.Placement == "p0")]);
        output.WriteLine($"10,000 SLOs over 1,000 placements: {large.Queries} queries, {large.Elapsed.TotalMilliseconds:0} ms; 10 SLOs: {small.Queries} queries, {small.Elapsed.TotalMilliseconds:0} ms");
        Assert.Equal(10_000, large.Readings.Count);
        Assert.Equal(small.Queries, large.Queries);
        Assert.Equal(16, large.Queries); // eight windows × two indicator kinds of one preset

        // Each SLO got its own placement's numbers: p3 fails 3 of 103 requests, and 3% of them are slow.
        var p3 = slos.First(s => s.Tenant == "bench-7" && s.Placement == "p3" && s.Indicator.Kind == SloIndicatorKind.Availability);
        Assert.Equal(3.0 / 103, large.Readings[p3.Id].ErrorRatios[TimeSpan.FromDays(1)], 3);
    }

    private async Task<(IReadOnlyDictionary<Guid, SliReading> Readings, int Queries, TimeSpan Elapsed)> ReadAsync(PrometheusConnection prometheus, List<Slo> slos)
    {
        using var scope = app.Services.CreateScope();
        var reader = scope.ServiceProvider.GetRequiredService<SliReader>();
        var clock = Stopwatch.StartNew();
        var readings = await reader.ReadAsync(prometheus, slos, CancellationToken.None);
        return (readings, reader.QueriesSent, clock.Elapsed);
    }
}
