using System.CommandLine;
using ControlPlane.Cli.Documents;
using ControlPlane.Cli.Output;
using ControlPlane.Client;

namespace ControlPlane.Cli.Commands;

/// <summary>`controlplane placements list|get|delete|preview`.</summary>
internal static class PlacementsCommands
{
    public static readonly Column<PlacementResponse>[] Columns =
    [
        new("NAME", p => p.Name),
        new("KIND", p => WireJson.WireName(p.Spec.Kind)),
        new("PHASE", p => WireJson.WireName(p.Status.Phase)),
        new("READY", p => $"{p.Status.ReadyReplicas}/{p.Spec.Replicas.Min}"),
        new("CLUSTER", p => p.Status.Cluster),
        new("NODE POOL", p => p.Status.NodePool),
        new("GPU", p => p.Spec.Resources.MigProfile ?? $"{p.Spec.Resources.GpusPerReplica} x {p.Spec.Resources.GpuModel}"),
        new("MESSAGE", p => p.Status.Message),
    ];

    private static readonly Column<CandidateView>[] CandidateColumns =
    [
        new("CLUSTER", c => c.Cluster),
        new("NODE POOL", c => c.NodePool),
        new("ACCEPTED", c => c.Accepted ? "yes" : "no"),
        new("REASON", c => c.Reason),
        new("PRICE/H", c => c.HourlyPrice),
    ];

    public static Command Create(CliContext context)
    {
        var command = new Command("placements", "GPU placements: list, get, delete, preview");

        var list = new Command("list", "List the tenant's placements");
        list.Handle(context, async (_, session, ct) =>
        {
            var tenant = await session.TenantAsync(ct);
            var items = await Paging.AllAsync(async token =>
            {
                var page = (await session.Client.ListPlacementsAsync(tenant, null, null, Paging.PageSize, token, ct)).Result;
                return (page.Items, page.NextPageToken);
            });
            session.Printer.Many(items, Columns);
            return ExitCodes.Ok;
        });

        var name = Arguments.Name("placement");
        var get = new Command("get", "Show a placement") { name };
        get.Handle(context, async (parse, session, ct) =>
        {
            session.Printer.One((await session.Client.GetPlacementAsync(await session.TenantAsync(ct), parse.GetValue(name)!, ct)).Result, Columns);
            return ExitCodes.Ok;
        });

        var deleteName = Arguments.Name("placement");
        var delete = new Command("delete", "Delete a placement (its capacity returns once the cluster confirms)") { deleteName };
        delete.Handle(context, async (parse, session, ct) =>
        {
            session.Printer.One((await session.Client.DeletePlacementAsync(await session.TenantAsync(ct), parse.GetValue(deleteName)!, null, ct)).Result, Columns);
            return ExitCodes.Ok;
        });

        var files = Arguments.Files();
        var preview = new Command("preview", "Ask whether a Placement document would be admitted, and where, without admitting it") { files };
        preview.Handle(context, async (parse, session, ct) =>
        {
            var exit = ExitCodes.Ok;
            foreach (var document in DocumentReader.Read(parse.GetValue(files)!).Where(d => d.Kind == "Placement"))
            {
                exit = Math.Max(exit, await PreviewAsync(session, document, ct));
            }

            return exit;
        });

        command.Subcommands.Add(list);
        command.Subcommands.Add(get);
        command.Subcommands.Add(delete);
        command.Subcommands.Add(preview);
        return command;
    }

    /// <summary>Prints the scheduling decision; a placement that would not be admitted exits <see cref="ExitCodes.Refused"/>.</summary>
    public static async Task<int> PreviewAsync(Session session, ResourceDocument document, CancellationToken ct)
    {
        var tenant = document.Tenant ?? await session.TenantAsync(ct);
        var request = document.SpecAs<CreatePlacementRequest>();
        request.Name = document.Name;
        var answer = (await session.Client.PreviewPlacementAsync(tenant, request, ct)).Result;
        if (session.Printer.Format == OutputFormat.Table)
        {
            session.Printer.Line($"placement {document.Name}: {(answer.Admissible ? "admissible" : "not admissible")} ({WireJson.WireName(answer.Decision.Outcome)})");
            session.Printer.Many(answer.Decision.Candidates.ToList(), CandidateColumns);
        }
        else
        {
            session.Printer.One(answer, []);
        }

        return answer.Admissible ? ExitCodes.Ok : ExitCodes.Refused;
    }
}
