using System.Diagnostics;

namespace ControlPlane.IntegrationTests.Fixtures;

/// <summary>
/// The one way tests wait for something that happens in the background (a reconciler pass, a log line, a metric):
/// poll a condition until it holds or a bound runs out, then fail with what was last seen. Never a fixed sleep.
/// </summary>
public static class Eventually
{
    private static readonly TimeSpan s_defaultTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan s_pollInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>Polls <paramref name="probe"/> until <paramref name="done"/> holds for its result, and returns that result.</summary>
    public static async Task<T> MatchesAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string what, TimeSpan? timeout = null)
    {
        var clock = Stopwatch.StartNew();
        var bound = timeout ?? s_defaultTimeout;
        T last;
        while (true)
        {
            last = await probe();
            if (done(last))
            {
                return last;
            }

            if (clock.Elapsed >= bound)
            {
                break;
            }

            await Task.Delay(s_pollInterval);
        }

        Assert.Fail($"{what} did not happen within {bound.TotalSeconds:0.#} s; last seen: {last}");
        return last;
    }

    /// <summary>Polls <paramref name="probe"/> until it returns something (not null), and returns it.</summary>
    public static async Task<T> FoundAsync<T>(Func<Task<T?>> probe, string what, TimeSpan? timeout = null) where T : class =>
        (await MatchesAsync(probe, found => found is not null, what, timeout))!;

    /// <summary>Polls a synchronous condition until it holds.</summary>
    public static Task TrueAsync(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        MatchesAsync(() => Task.FromResult(condition()), holds => holds, what, timeout);
}
