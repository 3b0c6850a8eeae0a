namespace PlacementBench;

/// <summary>
/// CPU time (utime + stime from /proc) of the service and of the benchmark's own PostgreSQL (its postmaster and the
/// backends it forked — not the other PostgreSQL servers on a shared machine). Per operation it does not depend on
/// how busy the machine was, unlike throughput.
/// </summary>
internal sealed class ProcessCpu(int servicePid, int postmasterPid)
{
    private static readonly double TicksPerSecond = 100; // USER_HZ: 100 on every Linux build the runtime supports

    /// <summary>Not measured (the warm-up).</summary>
    public static ProcessCpu Off { get; } = new(0, 0);

    public bool Enabled => servicePid > 0 && postmasterPid > 0;

    /// <summary>
    /// CPU ticks of the service, of PostgreSQL, and of the service's tiered-compilation thread — the JIT compiling hot
    /// methods again, optimised: its share of the service's CPU says whether the service has reached its steady state.
    /// </summary>
    public CpuSnapshot Snapshot()
    {
        long service = Ticks($"/proc/{servicePid}"), postgres = Ticks($"/proc/{postmasterPid}");
        var jit = new Dictionary<string, long>();
        foreach (var task in Directory.EnumerateDirectories($"/proc/{servicePid}/task"))
        {
            if (ReadOrNull(Path.Combine(task, "comm"))?.Trim() == TieredCompilationThread)
            {
                jit[Path.GetFileName(task)] = Ticks(task);
            }
        }

        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out _) && ParentOf(dir) == postmasterPid)
            {
                postgres += Ticks(dir);
            }
        }

        return new CpuSnapshot(service, postgres, jit);
    }

    /// <summary>
    /// The JIT's share of the service's CPU between two snapshots. The runtime ends its compilation thread when idle and
    /// starts a new one: the time of a thread that ended in between is not seen, so this is a lower bound.
    /// </summary>
    public static double JitShare(CpuSnapshot before, CpuSnapshot after) =>
        after.Service == before.Service ? 0
            : (double)after.Jit.Sum(thread => thread.Value - before.Jit.GetValueOrDefault(thread.Key)) / (after.Service - before.Service);

    /// <summary>"service X ms + PostgreSQL Y ms" of CPU per operation between two snapshots.</summary>
    public static string PerOperation(CpuSnapshot before, CpuSnapshot after, long operations) =>
        operations == 0 ? "n/a"
            : $"service {Ms(after.Service - before.Service, operations):0.00} ms (JIT {JitShare(before, after):P0} of it) + PostgreSQL {Ms(after.Postgres - before.Postgres, operations):0.00} ms";

    private static double Ms(long ticks, long operations) => 1000.0 * ticks / TicksPerSecond / operations;

    // The kernel names the runtime's thread ".NET Tiered Compilation Worker" cut to 15 characters.
    private const string TieredCompilationThread = ".NET Tiered Com";

    private static string? ReadOrNull(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return null; // the process exited between listing and reading (a backend closing): its time is gone either way
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string[]? Stat(string dir) =>
        ReadOrNull(Path.Combine(dir, "stat")) is { } stat ? stat[(stat.LastIndexOf(')') + 2)..].Split(' ') : null;

    private static long Ticks(string dir) => Stat(dir) is { } f ? long.Parse(f[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(f[12], System.Globalization.CultureInfo.InvariantCulture) : 0;

    private static int ParentOf(string dir) => Stat(dir) is { } f ? int.Parse(f[1], System.Globalization.CultureInfo.InvariantCulture) : -1;
}

/// <summary>CPU ticks so far: the service, PostgreSQL, and each of the service's tiered-compilation threads by id.</summary>
internal readonly record struct CpuSnapshot(long Service, long Postgres, IReadOnlyDictionary<string, long> Jit);
