using ControlPlane.Client;

namespace ControlPlane.Cli.Commands;

/// <summary>
/// --wait for a placement: polls until it runs (or, for jobs, succeeds), printing each change of phase and ready
/// replicas to stderr; a failed placement exits <see cref="ExitCodes.Failed"/> with the cluster's message, and running
/// out of time exits <see cref="ExitCodes.WaitTimedOut"/>.
/// </summary>
internal static class PlacementWaiter
{
    public static Task WaitAsync(Session session, string tenant, string name, TimeSpan timeout, CancellationToken ct) =>
        Waiting.UntilAsync(session, timeout, $"placement/{name}",
            async () => (await session.Client.GetPlacementAsync(tenant, name, ct)).Result,
            placement => $"placement/{name}: {WireJson.WireName(placement.Status.Phase)}, {placement.Status.ReadyReplicas}/{placement.Spec.Replicas.Min} replicas ready"
                + (placement.Status.Message is { } message ? $" ({message})" : ""),
            placement => placement.Status.Phase switch
            {
                PlacementPhase.Running or PlacementPhase.Succeeded => true,
                PlacementPhase.Failed or PlacementPhase.Terminated =>
                    throw new OutcomeException(ExitCodes.Failed, $"placement/{name} is {WireJson.WireName(placement.Status.Phase)}: {placement.Status.Message}"),
                _ => false,
            },
            ct);
}
