using System.CommandLine;
using System.Globalization;
using ControlPlane.Cli.Documents;
using ControlPlane.Client;

namespace ControlPlane.Cli.Commands;

/// <summary>
/// `controlplane rollout start|list|status|promote|abort|pause|resume`. A rollout is named by its placement and its
/// number there; without a number the placement's latest rollout is meant.
/// </summary>
internal static class RolloutCommands
{
    private delegate Task<SwaggerResponse<RolloutResponse>> RolloutAction(ControlPlaneClient client, string tenant, string placement, string id,
        CancellationToken ct);

    public static Command Create(CliContext context)
    {
        var command = new Command("rollout", "Progressive rollouts of a placement: start, list, status, promote, abort, pause, resume");
        command.Subcommands.Add(Start(context));

        var listPlacement = Placement();
        var list = new Command("list", "List a placement's rollouts, oldest first") { listPlacement };
        list.Handle(context, async (parse, session, ct) =>
        {
            session.Printer.Many(await AllAsync(session, await session.TenantAsync(ct), parse.GetValue(listPlacement)!, ct), RolloutView.Columns);
            return ExitCodes.Ok;
        });
        command.Subcommands.Add(list);

        command.Subcommands.Add(Acting(context, "status", "Show a rollout: phase, step, weight and each gate's canary and stable measurement, limit and verdict",
            (client, tenant, placement, id, ct) => client.GetRolloutAsync(tenant, placement, id, ct)));
        command.Subcommands.Add(Acting(context, "promote", "Promote now: skip the remaining steps",
            (client, tenant, placement, id, ct) => client.PromoteRolloutAsync(tenant, placement, id, ct)));
        command.Subcommands.Add(Acting(context, "abort", "Abort: all traffic back to the stable variant, the canary removed",
            (client, tenant, placement, id, ct) => client.AbortRolloutAsync(tenant, placement, id, ct)));
        command.Subcommands.Add(Acting(context, "pause", "Pause: hold the current weight, no analysis, no step",
            (client, tenant, placement, id, ct) => client.PauseRolloutAsync(tenant, placement, id, ct)));
        command.Subcommands.Add(Acting(context, "resume", "Resume a paused rollout",
            (client, tenant, placement, id, ct) => client.ResumeRolloutAsync(tenant, placement, id, ct)));
        return command;
    }

    /// <summary>Every rollout of the placement, oldest first.</summary>
    public static Task<IReadOnlyList<RolloutResponse>> AllAsync(Session session, string tenant, string placement, CancellationToken ct) =>
        Paging.AllAsync(async token =>
        {
            var page = (await session.Client.ListRolloutsAsync(tenant, placement, Paging.PageSize, token, ct)).Result;
            return (page.Items, page.NextPageToken);
        });

    private static Command Start(CliContext context)
    {
        var files = Arguments.Files();
        var wait = new Option<bool>("--wait") { Description = "Wait until promoted (exit 0); rolled back or aborted exits 7" };
        var timeout = Arguments.Timeout();
        var start = new Command("start", "Start the rollouts of Rollout documents (metadata: {tenant, placement}; spec: the API's request body)")
        {
            files, wait, timeout,
        };
        start.Handle(context, async (parse, session, ct) =>
        {
            foreach (var document in DocumentReader.Read(parse.GetValue(files)!))
            {
                if (document.Kind != ResourceDocument.RolloutKind)
                {
                    throw new UsageException($"{document.Source}: `rollout start` takes kind Rollout, not {document.Kind} (`apply` takes every kind).");
                }

                var tenant = document.Tenant ?? await session.TenantAsync(ct);
                var rollout = await RolloutStarter.StartAsync(session, tenant, document, ct);
                if (parse.GetValue(wait))
                {
                    await RolloutStarter.WaitAsync(session, tenant, document.Name, rollout.Id, parse.GetValue(timeout), ct);
                }
            }

            return ExitCodes.Ok;
        });
        return start;
    }

    /// <summary>A subcommand taking PLACEMENT [ID] that calls the API on that rollout and shows the answer.</summary>
    private static Command Acting(CliContext context, string name, string description, RolloutAction action)
    {
        var placement = Placement();
        var id = new Argument<int?>("id") { Description = "The rollout's number on the placement (default: its latest)", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command(name, description) { placement, id };
        command.Handle(context, async (parse, session, ct) =>
        {
            var tenant = await session.TenantAsync(ct);
            var placementName = parse.GetValue(placement)!;
            var number = parse.GetValue(id) ?? (await AllAsync(session, tenant, placementName, ct)).LastOrDefault()?.Id
                ?? throw new OutcomeException(ExitCodes.NotFound, $"placement/{placementName} has no rollouts.");
            var rollout = (await action(session.Client, tenant, placementName, number.ToString(CultureInfo.InvariantCulture), ct)).Result;
            RolloutView.Status(session.Printer, rollout);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Argument<string> Placement() => new("placement") { Description = "The placement rolled out" };
}
