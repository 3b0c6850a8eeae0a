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

    public (long Service, long Postgres) Snapshot()
    {
        long service = Ticks(servicePid), postgres = Ticks(postmasterPid);
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid) && ParentOf(pid) == postmasterPid)
            {
                postgres += Ticks(pid);
            }
        }

        return (service, postgres);
    }

    /// <summary>"service X ms + PostgreSQL Y ms" of CPU per operation between two snapshots.</summary>
    public static string PerOperation((long Service, long Postgres) before, (long Service, long Postgres) after, long operations) =>
        operations == 0 ? "n/a"
            : $"service {Ms(after.Service - before.Service, operations):0.00} ms + PostgreSQL {Ms(after.Postgres - before.Postgres, operations):0.00} ms";

    private static double Ms(long ticks, long operations) => 1000.0 * ticks / TicksPerSecond / operations;

    private static string[]? Stat(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
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

    private static long Ticks(int pid) => Stat(pid) is { } f ? long.Parse(f[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(f[12], System.Globalization.CultureInfo.InvariantCulture) : 0;

    private static int ParentOf(int pid) => Stat(pid) is { } f ? int.Parse(f[1], System.Globalization.CultureInfo.InvariantCulture) : -1;
}
