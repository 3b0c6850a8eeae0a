namespace PlacementBench;

/// <summary>
/// Admissions until the service runs in its steady state, not counted: a service's first minutes pay for JIT
/// compilation (tier 0, then each hot method again with PGO and optimised) and EF Core's query compilation, which a
/// running service has long behind it. On two shared cores that tiering takes minutes, so a fixed warm-up either
/// wastes time or measures the JIT: warm up in slices until the JIT's share of the service's CPU falls below 5%.
/// </summary>
internal static class AdmissionWarmup
{
    private const int SliceSeconds = 10;
    private const double QuietJitShare = 0.05;

    /// <summary>What the warm-up took, for the report.</summary>
    public static async Task<string> RunAsync(ApiSession api, ProcessCpu cpu, int maxSeconds)
    {
        var seconds = 0;
        var share = double.NaN;
        while (seconds < maxSeconds)
        {
            var before = cpu.Enabled ? cpu.Snapshot() : default;
            await AdmissionBench.RunAsync(api, ProcessCpu.Off, "warm-up", tenants: 100, SliceSeconds);
            seconds += SliceSeconds;
            if (cpu.Enabled && (share = ProcessCpu.JitShare(before, cpu.Snapshot())) < QuietJitShare)
            {
                break;
            }
        }

        return double.IsNaN(share)
            ? $"Warm-up: {seconds} s of admissions (not counted)."
            : $"Warm-up: {seconds} s of admissions (not counted), until the JIT took {share:P0} of the service's CPU in its last {SliceSeconds} s "
              + $"(target < {QuietJitShare:P0}, at most {maxSeconds} s).";
    }
}
