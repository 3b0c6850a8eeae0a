namespace PlacementBench;

internal sealed record BenchOptions(Uri Api, string OperatorId, string OperatorSecret, int Seconds, bool SchedulerOnly)
{
    public static BenchOptions Parse(string[] args)
    {
        string Value(string name, string fallback)
        {
            var index = Array.IndexOf(args, name);
            return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
        }

        return new BenchOptions(new Uri(Value("--api", "http://127.0.0.1:58080")), Value("--operator-id", "operator"),
            Value("--operator-secret", ""), int.Parse(Value("--seconds", "15"), System.Globalization.CultureInfo.InvariantCulture),
            args.Contains("--scheduler-only"));
    }
}
