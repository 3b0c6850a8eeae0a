using System.Globalization;
using ControlPlane.Cli.Documents;
using ControlPlane.Client;

namespace ControlPlane.Cli.Commands;

/// <summary>
/// Starts the rollout a <c>kind: Rollout</c> document describes (for `apply` and `rollout start`). The Idempotency-Key is
/// the hash of the document, so applying the same document again replays the first answer instead of starting a
/// second rollout; a changed document while a rollout is active is refused by the API (409, exit 2).
/// </summary>
internal static class RolloutStarter
{
    private const string ReplayedHeader = "Idempotent-Replayed";

    public static async Task<RolloutResponse> StartAsync(Session session, string tenant, ResourceDocument document, CancellationToken ct)
    {
        var response = await session.Client.StartRolloutAsync(tenant, document.Name, document.IdempotencyKey(tenant),
            document.SpecAs<StartRolloutRequest>(), ct);
        var rollout = response.Result;
        if (!(response.Headers.TryGetValue(ReplayedHeader, out var values) && values.Contains("true", StringComparer.OrdinalIgnoreCase)))
        {
            session.Printer.Line($"rollout/{document.Name}#{rollout.Id} started");
            return rollout;
        }

        // A replay answers the rollout as it was when this document started it; where it is now takes a fresh read.
        rollout = (await session.Client.GetRolloutAsync(tenant, document.Name, rollout.Id.ToString(CultureInfo.InvariantCulture), ct)).Result;
        session.Printer.Line($"rollout/{document.Name}#{rollout.Id} unchanged (this document started it; now {WireJson.WireName(rollout.Status.Phase)})");
        return rollout;
    }

    /// <summary>
    /// Checks the document and the placement, and says whether a rollout would start now; one already active means the
    /// API would refuse (exit 2). Whether this very document already started one only the API knows (its Idempotency-Key).
    /// </summary>
    public static async Task<int> DryRunAsync(Session session, string tenant, ResourceDocument document, CancellationToken ct)
    {
        document.SpecAs<StartRolloutRequest>();
        await session.Client.GetPlacementAsync(tenant, document.Name, ct);
        var active = (await RolloutCommands.AllAsync(session, tenant, document.Name, ct))
            .LastOrDefault(r => r.Status.Phase is RolloutPhase.Progressing or RolloutPhase.Paused);
        if (active is not null)
        {
            session.Printer.Line($"rollout/{document.Name} would be refused: rollout #{active.Id} is {WireJson.WireName(active.Status.Phase)} (dry run)");
            return ExitCodes.Refused;
        }

        session.Printer.Line($"rollout/{document.Name} would be started (dry run)");
        return ExitCodes.Ok;
    }

    /// <summary>--wait: until promoted (exit 0); rolled back or aborted exits <see cref="ExitCodes.Failed"/> with the reason.</summary>
    public static Task<RolloutResponse> WaitAsync(Session session, string tenant, string placement, int id, TimeSpan timeout, CancellationToken ct) =>
        Waiting.UntilAsync(session, timeout, $"rollout/{placement}#{id}",
            async () => (await session.Client.GetRolloutAsync(tenant, placement, id.ToString(CultureInfo.InvariantCulture), ct)).Result,
            RolloutView.Progress,
            rollout => rollout.Status.Phase switch
            {
                RolloutPhase.Promoted => true,
                RolloutPhase.RolledBack or RolloutPhase.Aborted => throw new OutcomeException(ExitCodes.Failed,
                    $"rollout/{placement}#{id} was {WireJson.WireName(rollout.Status.Phase)}: {rollout.Status.Reason}"),
                _ => false,
            },
            ct);
}
