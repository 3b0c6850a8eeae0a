namespace ControlPlane.Application.Reconciliation;

/// <summary>Capped exponential backoff with full jitter, so replicas retrying a recovered cluster do not stampede.</summary>
public static class RetryBackoff
{
    public static TimeSpan Delay(int attempt, TimeSpan initial, TimeSpan max, Random random)
    {
        var exponent = Math.Min(Math.Max(attempt - 1, 0), 20);
        var ceiling = Math.Min(max.TotalMilliseconds, initial.TotalMilliseconds * Math.Pow(2, exponent));
        return TimeSpan.FromMilliseconds(ceiling / 2 + random.NextDouble() * ceiling / 2);
    }
}
