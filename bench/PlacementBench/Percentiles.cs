namespace PlacementBench;

internal static class Percentiles
{
    public static double Of(List<double> sortedMilliseconds, double percentile) =>
        sortedMilliseconds.Count == 0 ? double.NaN
            : sortedMilliseconds[Math.Min(sortedMilliseconds.Count - 1, (int)Math.Ceiling(percentile / 100 * sortedMilliseconds.Count) - 1)];
}

/// <summary>One line of the results table.</summary>
/// <param name="Cpu">CPU per request of the service and PostgreSQL, where measured.</param>
internal sealed record BenchRow(string Scenario, string Throughput, double P50, double P99, int Refused, int Errors, string Check, bool CheckPassed,
    string Cpu = "–")
{
    public const string Header = "| Scenario | Throughput | p50 | p99 | Refused (409) | Errors | CPU per request | Check |\n|---|---:|---:|---:|---:|---:|---|---|";

    public string ToMarkdown() =>
        $"| {Scenario} | {Throughput} | {P50:0.0} ms | {P99:0.0} ms | {Refused:N0} | {Errors:N0} | {Cpu} | {Check} |";
}
