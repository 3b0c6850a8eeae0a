using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using ControlPlane.KubernetesEmulator;

namespace PlacementBench;

/// <summary>
/// Admissions at a fixed rate on a quiet tenant; for each, the time from the 201 (the transaction committed) to the
/// moment the Deployment exists in the emulator (polled every 2 ms, in this process).
/// </summary>
internal static class ReconcileBench
{
    public static async Task<BenchRow> RunAsync(ApiSession api, KubernetesApiEmulator emulator, int ratePerSecond, int seconds)
    {
        await DrainBacklogAsync(api, emulator);
        var committed = new ConcurrentDictionary<string, long>();
        var applied = new ConcurrentDictionary<string, long>();
        using var stop = new CancellationTokenSource();
        var watcher = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                foreach (var name in committed.Keys.Where(n => !applied.ContainsKey(n)))
                {
                    if (emulator.Get("apps/v1", "deployments", "t-rec", name) is not null)
                    {
                        applied.TryAdd(name, Stopwatch.GetTimestamp());
                    }
                }

                await Task.Delay(2);
            }
        });

        int errors = 0;
        var interval = Stopwatch.Frequency / ratePerSecond;
        var start = Stopwatch.GetTimestamp();
        var sends = new List<Task>();
        for (var i = 0; i < ratePerSecond * seconds; i++)
        {
            var due = start + i * interval;
            while (Stopwatch.GetTimestamp() < due)
            {
                await Task.Delay(TimeSpan.FromTicks(Math.Max(0, (due - Stopwatch.GetTimestamp()) * TimeSpan.TicksPerSecond / Stopwatch.Frequency)));
            }

            var name = $"r{i}";
            sends.Add(Task.Run(async () =>
            {
                using var request = api.Admission("rec", name);
                using var response = await api.Http.SendAsync(request);
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    committed[name] = Stopwatch.GetTimestamp();
                }
                else
                {
                    Interlocked.Increment(ref errors);
                }
            }));
        }

        await Task.WhenAll(sends);
        var waitUntil = Stopwatch.GetTimestamp() + 60 * Stopwatch.Frequency;
        while (applied.Count < committed.Count && Stopwatch.GetTimestamp() < waitUntil)
        {
            await Task.Delay(20);
        }

        await stop.CancelAsync();
        await watcher;
        api.Admitted["rec"] += committed.Count;
        var delays = committed.Where(c => applied.ContainsKey(c.Key))
            .Select(c => Stopwatch.GetElapsedTime(c.Value, applied[c.Key]).TotalMilliseconds).Order().ToList();
        var appliedSpan = (applied.Values.Max() - start) / (double)Stopwatch.Frequency;
        var missing = committed.Count - applied.Count;
        var p99 = Percentiles.Of(delays, 99);
        return new BenchRow($"Reconcile at {ratePerSecond} placements/s (commit → applied)", $"{applied.Count / appliedSpan:N0} applied/s",
            Percentiles.Of(delays, 50), p99, 0, errors + missing,
            missing == 0 ? $"all {applied.Count:N0} applied; target p99 ≤ 1,000 ms: {(p99 <= 1000 ? "met" : "missed")}" : $"**{missing} never applied**",
            missing == 0);
    }

    /// <summary>Waits until every placement admitted so far exists in the emulator, so the measurement starts with an empty outbox.</summary>
    private static async Task DrainBacklogAsync(ApiSession api, KubernetesApiEmulator emulator)
    {
        var expected = api.Admitted.Values.Sum();
        var deadline = Stopwatch.GetTimestamp() + 300 * Stopwatch.Frequency;
        while (emulator.List("apps/v1", "deployments").Count < expected && Stopwatch.GetTimestamp() < deadline)
        {
            await Task.Delay(250);
        }
    }
}
