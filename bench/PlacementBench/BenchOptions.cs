namespace PlacementBench;

/// <param name="AdmissionsOnly">Only the two admission scenarios (BENCH_ONLY=admissions).</param>
/// <param name="ServicePid">The service's process, whose CPU is charged to the admissions (0: not measured).</param>
/// <param name="PostgresPid">The benchmark's postmaster; it and its backends are PostgreSQL's CPU (0: not measured).</param>
/// <param name="WarmupSeconds">At most this long of admissions before the measured runs (<see cref="AdmissionWarmup"/>).</param>
internal sealed record BenchOptions(Uri Api, string OperatorId, string OperatorSecret, int Seconds, bool SchedulerOnly, bool AdmissionsOnly,
    int ServicePid, int PostgresPid, int WarmupSeconds)
{
    public static BenchOptions Parse(string[] args)
    {
        string Value(string name, string fallback)
        {
            var index = Array.IndexOf(args, name);
            return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
        }

        int Number(string name, string fallback) => int.Parse(Value(name, fallback), System.Globalization.CultureInfo.InvariantCulture);

        return new BenchOptions(new Uri(Value("--api", "http://127.0.0.1:58080")), Value("--operator-id", "operator"),
            Value("--operator-secret", ""), Number("--seconds", "15"), args.Contains("--scheduler-only"), args.Contains("--admissions-only"),
            Number("--service-pid", "0"), Number("--postgres-pid", "0"), Number("--warmup-seconds", "120"));
    }
}
