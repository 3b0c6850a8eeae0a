using System.Globalization;

namespace ControlPlane.IntegrationTests.Fixtures;

/// <summary>
/// CPU time of processes from /proc (utime + stime), as bench/cpustat.py reads it: the figure of a measurement that does
/// not depend on how busy the shared machine was.
/// </summary>
public static class ProcessCpu
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux

    /// <summary>CPU time so far of each of these processes (a process that has gone counts zero).</summary>
    public static IReadOnlyDictionary<int, TimeSpan> Of(IEnumerable<int> pids) => pids.Distinct().ToDictionary(pid => pid, pid =>
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return TimeSpan.FromSeconds((long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond);
        }
        catch (IOException)
        {
            return TimeSpan.Zero;
        }
    });

    /// <summary>The processes whose command line contains <paramref name="fragment"/>.</summary>
    public static IEnumerable<int> Matching(string fragment) => Directory.EnumerateDirectories("/proc")
        .Select(Path.GetFileName).Where(name => name!.All(char.IsAsciiDigit)).Select(name => int.Parse(name!, CultureInfo.InvariantCulture))
        .Where(pid =>
        {
            try
            {
                return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Contains(fragment, StringComparison.Ordinal);
            }
            catch (IOException)
            {
                return false;
            }
        });

    /// <summary>CPU used by these processes between two readings (processes that appeared in between count from zero).</summary>
    public static TimeSpan Since(IReadOnlyDictionary<int, TimeSpan> before, IReadOnlyDictionary<int, TimeSpan> after) =>
        after.Aggregate(TimeSpan.Zero, (sum, p) => sum + p.Value - before.GetValueOrDefault(p.Key));
}
