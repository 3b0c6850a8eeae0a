namespace PlacementBench;

internal static class Percentiles
{
    public static double Of(List<double> sortedMilliseconds, double percentile) =>
        sortedMilliseconds.Count == 0 ? double.NaN
            : sortedMilliseconds[Math.Min(sortedMilliseconds.Count - 1, (int)Math.Ceiling(percentile / 100 * sortedMilliseconds.Count) - 1)];
}

/// <summary>One line of the results table.</summary>
internal sealed record BenchRow(string Scenario, string Throughput, double P50, double P99, int Refused, int Errors, string Check, bool CheckPassed)
{
    public string ToMarkdown() =>
        $"| {Scenario} | {Throughput} | {P50:0.0} ms | {P99:0.0} ms | {Refused:N0} | {Errors:N0} | {Check} |";
}
