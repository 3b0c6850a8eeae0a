namespace ControlPlane.Cli.Commands;

/// <summary>
/// The loop behind every --wait: read the resource, print its progress to stderr when it changed, stop when it settled
/// (or let the settle check throw its failure), and give up with <see cref="ExitCodes.WaitTimedOut"/> after the timeout.
/// </summary>
internal static class Waiting
{
    /// <param name="read">Reads the resource now.</param>
    /// <param name="progress">One line of where it is.</param>
    /// <param name="settled">True when done; throws an <see cref="OutcomeException"/> when it failed.</param>
    /// <param name="what">Names the resource in the time-out message.</param>
    public static async Task<T> UntilAsync<T>(Session session, TimeSpan timeout, string what, Func<Task<T>> read, Func<T, string> progress,
        Func<T, bool> settled, CancellationToken ct)
    {
        var clock = session.Context.Clock;
        var deadline = clock.GetUtcNow() + timeout;
        string? last = null;
        while (true)
        {
            var current = await read();
            var line = progress(current);
            if (line != last)
            {
                session.Context.Error.WriteLine(line);
                last = line;
            }

            if (settled(current))
            {
                return current;
            }

            if (clock.GetUtcNow() >= deadline)
            {
                throw new OutcomeException(ExitCodes.WaitTimedOut, $"{what} has not finished after {timeout}: {line}");
            }

            await Task.Delay(session.Context.PollInterval, clock, ct);
        }
    }
}
