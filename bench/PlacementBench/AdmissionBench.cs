using System.Diagnostics;
using System.Net;

namespace PlacementBench;

/// <summary>64 concurrent clients admitting placements for a fixed time (closed loop), on one tenant or spread over 100.</summary>
internal static class AdmissionBench
{
    private const int Clients = 64;
    private static int s_sequence;

    public static async Task<BenchRow> RunAsync(ApiSession api, ProcessCpu cpu, string label, int tenants, int seconds)
    {
        var names = Enumerable.Range(0, tenants).Select(i => $"t-{i:D3}").ToArray();
        var latencies = new List<double>[Clients];
        var admitted = new int[tenants];
        int refused = 0, errors = 0;
        var deadline = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        var cpuBefore = cpu.Enabled ? cpu.Snapshot() : default;
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(async client =>
        {
            latencies[client] = [];
            for (var i = client; Stopwatch.GetTimestamp() < deadline; i += Clients)
            {
                var tenantIndex = i % tenants;
                using var request = api.Admission(names[tenantIndex], $"p{Interlocked.Increment(ref s_sequence)}");
                var sent = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await api.Http.SendAsync(request);
                    latencies[client].Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                    if (response.StatusCode == HttpStatusCode.Created)
                    {
                        Interlocked.Increment(ref admitted[tenantIndex]);
                    }
                    else if (response.StatusCode == HttpStatusCode.Conflict)
                    {
                        Interlocked.Increment(ref refused);
                    }
                    else
                    {
                        Interlocked.Increment(ref errors);
                    }
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        }));
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var cpuAfter = cpu.Enabled ? cpu.Snapshot() : default;
        for (var t = 0; t < tenants; t++)
        {
            api.Admitted[names[t]] += admitted[t];
        }

        var all = latencies.SelectMany(l => l).Order().ToList();
        var (passed, detail) = await api.CheckAccountingAsync();
        return new BenchRow($"Admissions, 64 clients, {label}", $"{admitted.Sum() / elapsed:N0}/s", Percentiles.Of(all, 50),
            Percentiles.Of(all, 99), refused, errors, (passed ? "zero overcommit: " : "**OVERCOMMIT**: ") + detail, passed,
            cpu.Enabled ? ProcessCpu.PerOperation(cpuBefore, cpuAfter, all.Count) : "–");
    }
}
