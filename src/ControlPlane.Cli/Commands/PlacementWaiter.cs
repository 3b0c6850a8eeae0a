using ControlPlane.Client;

namespace ControlPlane.Cli.Commands;

/// <summary>
/// --wait for a placement: polls until it runs (or, for jobs, succeeds), printing each change of phase and ready
/// replicas to stderr; a failed placement exits <see cref="ExitCodes.Failed"/> with the cluster's message, and running
/// out of time exits <see cref="ExitCodes.WaitTimedOut"/>.
/// </summary>
internal static class PlacementWaiter
{
    public static async Task WaitAsync(Session session, string tenant, string name, TimeSpan timeout, CancellationToken ct)
    {
        var clock = session.Context.Clock;
        var deadline = clock.GetUtcNow() + timeout;
        string? last = null;
        while (true)
        {
            var placement = (await session.Client.GetPlacementAsync(tenant, name, ct)).Result;
            var phase = placement.Status.Phase;
            var progress = $"placement/{name}: {WireJson.WireName(phase)}, {placement.Status.ReadyReplicas}/{placement.Spec.Replicas.Min} replicas ready"
                + (placement.Status.Message is { } message ? $" ({message})" : "");
            if (progress != last)
            {
                session.Context.Error.WriteLine(progress);
                last = progress;
            }

            switch (phase)
            {
                case PlacementPhase.Running or PlacementPhase.Succeeded:
                    return;
                case PlacementPhase.Failed or PlacementPhase.Terminated:
                    throw new OutcomeException(ExitCodes.Failed, $"placement/{name} is {WireJson.WireName(phase)}: {placement.Status.Message}");
            }

            if (clock.GetUtcNow() >= deadline)
            {
                throw new OutcomeException(ExitCodes.WaitTimedOut, $"placement/{name} is still {WireJson.WireName(phase)} after {timeout}.");
            }

            await Task.Delay(session.Context.PollInterval, clock, ct);
        }
    }
}
