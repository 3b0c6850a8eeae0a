using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using ControlPlane.Cli.Output;
using ControlPlane.Client;

namespace ControlPlane.Cli.Commands;

/// <summary>`controlplane costs` and `controlplane statements list|get|export`.</summary>
internal static class BillingCommands
{
    public static Command CreateCosts(CliContext context)
    {
        var from = new Option<DateTimeOffset?>("--from") { Description = "Start (RFC 3339; default: the start of this month)" };
        var to = new Option<DateTimeOffset?>("--to") { Description = "End, exclusive (default: now)" };
        var groupBy = new Option<string?>("--group-by") { Description = "day, meter, placement or model" };
        var command = new Command("costs", "What the tenant's usage costs, grouped") { from, to, groupBy };
        command.Handle(context, async (parse, session, ct) =>
        {
            var costs = (await session.Client.GetCostsAsync(await session.TenantAsync(ct), parse.GetValue(from), parse.GetValue(to), parse.GetValue(groupBy), ct)).Result;
            if (session.Printer.Format != OutputFormat.Table)
            {
                session.Printer.One(costs, []);
                return ExitCodes.Ok;
            }

            session.Printer.Many(costs.Groups.ToList(), [new(costs.GroupBy.ToUpperInvariant(), g => g.Key), new($"AMOUNT ({costs.Currency})", g => g.Amount)]);
            session.Printer.Line($"total {Printer.Cell(costs.Total)} {costs.Currency} from {Printer.Cell(costs.From)} to {Printer.Cell(costs.To)}");
            return ExitCodes.Ok;
        });
        return command;
    }

    public static Command CreateStatements(CliContext context)
    {
        var command = new Command("statements", "Monthly statements");

        var list = new Command("list", "List the tenant's statements");
        list.Handle(context, async (_, session, ct) =>
        {
            var statements = (await session.Client.ListStatementsAsync(await session.TenantAsync(ct), ct)).Result;
            session.Printer.Many(statements.Items.ToList(),
                [new("MONTH", s => s.Month), new("STATUS", s => s.Status), new("TOTAL", s => s.Total), new("CURRENCY", s => s.Currency)]);
            return ExitCodes.Ok;
        });

        var month = new Argument<string>("month") { Description = "yyyy-MM" };
        var get = new Command("get", "Show a month's statement with its line items") { month };
        get.Handle(context, async (parse, session, ct) =>
        {
            // Typed as a string by the document (the same operation answers FOCUS CSV); JSON unless a format is asked.
            var body = (await session.Client.GetStatementAsync(await session.TenantAsync(ct), parse.GetValue(month)!, null, ct)).Result;
            session.Printer.Node(JsonNode.Parse(body), node =>
            {
                var statement = node.Deserialize<StatementResponse>(WireJson.Options)!;
                session.Printer.Many(statement.Lines.ToList(),
                    [new("METER", l => l.Meter), new("DIMENSIONS", l => string.Join(",", l.Dimensions.Select(d => $"{d.Key}={d.Value}"))),
                     new("QUANTITY", l => l.Quantity), new("UNIT PRICE", l => l.UnitPrice), new("AMOUNT", l => l.Amount)]);
                session.Printer.Line($"{statement.Month} {statement.Status}: total {Printer.Cell(statement.Total)} {statement.Currency}");
            });
            return ExitCodes.Ok;
        });

        var exportMonth = new Argument<string>("month") { Description = "yyyy-MM" };
        var format = new Option<string>("--format") { Description = "focus-csv (FinOps FOCUS 1.1)", DefaultValueFactory = _ => "focus-csv" };
        var export = new Command("export", "Write a month's statement as FOCUS CSV to stdout") { exportMonth, format };
        export.Handle(context, async (parse, session, ct) =>
        {
            context.Out.Write((await session.Client.GetStatementAsync(await session.TenantAsync(ct), parse.GetValue(exportMonth)!, parse.GetValue(format), ct)).Result);
            return ExitCodes.Ok;
        });

        command.Subcommands.Add(list);
        command.Subcommands.Add(get);
        command.Subcommands.Add(export);
        return command;
    }
}
