using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using ControlPlane.Cli.Output;
using ControlPlane.Client;

namespace ControlPlane.Cli.Commands;

/// <summary>`controlplane slos list|get|delete`.</summary>
internal static class SlosCommands
{
    private static readonly Column<SloResponse>[] Columns =
    [
        new("NAME", s => s.Name),
        new("PLACEMENT", s => s.Placement),
        new("INDICATOR", s => WireJson.WireName(s.Indicator.Kind)),
        new("OBJECTIVE", s => s.Objective),
        new("WINDOW", s => s.Window),
        new("STATE", s => WireJson.WireName(s.Status.State)),
        new("BUDGET LEFT", s => s.Status.ErrorBudget?.Remaining),
    ];

    public static Command Create(CliContext context)
    {
        var command = new Command("slos", "Service-level objectives of placements");

        var list = new Command("list", "List the tenant's SLOs");
        list.Handle(context, async (_, session, ct) =>
        {
            var tenant = await session.TenantAsync(ct);
            session.Printer.Many(await Paging.AllAsync(async token =>
            {
                var page = (await session.Client.ListSlosAsync(tenant, Paging.PageSize, token, ct)).Result;
                return (page.Items, page.NextPageToken);
            }), Columns);
            return ExitCodes.Ok;
        });

        var name = Arguments.Name("SLO");
        var get = new Command("get", "Show an SLO with its error budget and burn rates") { name };
        get.Handle(context, async (parse, session, ct) =>
        {
            // The document types this body as a string (it also answers OpenSLO YAML); it is the SLO's JSON here.
            var body = (await session.Client.GetSloAsync(await session.TenantAsync(ct), parse.GetValue(name)!, null, ct)).Result;
            var slo = JsonNode.Parse(body);
            session.Printer.Node(slo, node => session.Printer.One(node.Deserialize<SloResponse>(WireJson.Options)!, Columns));
            return ExitCodes.Ok;
        });

        var deleteName = Arguments.Name("SLO");
        var delete = new Command("delete", "Delete an SLO (its PrometheusRule leaves the cluster)") { deleteName };
        delete.Handle(context, async (parse, session, ct) =>
        {
            await session.Client.DeleteSloAsync(await session.TenantAsync(ct), parse.GetValue(deleteName)!, null, ct);
            session.Printer.Line($"slo/{parse.GetValue(deleteName)} deleted");
            return ExitCodes.Ok;
        });

        command.Subcommands.Add(list);
        command.Subcommands.Add(get);
        command.Subcommands.Add(delete);
        return command;
    }
}
