using System.CommandLine;
using ControlPlane.Cli.Output;
using ControlPlane.Client;

namespace ControlPlane.Cli.Commands;

/// <summary>`controlplane budget get|delete` (a tenant has one budget; `apply` sets it).</summary>
internal static class BudgetCommands
{
    private static readonly Column<BudgetResponse>[] Columns =
    [
        new("TENANT", b => b.Tenant),
        new("MONTHLY", b => $"{Printer.Cell(b.MonthlyAmount)} {b.Currency}"),
        new("HARD CAP", b => b.HardCap ? "yes" : "no"),
        new("SPENT", b => b.MonthToDateSpend),
        new("PERCENT", b => b.Percentage),
        new("ALERTS AT", b => string.Join(",", b.AlertThresholds)),
    ];

    public static Command Create(CliContext context)
    {
        var command = new Command("budget", "The tenant's monthly budget");
        var get = new Command("get", "Show the budget and this month's spend");
        get.Handle(context, async (_, session, ct) =>
        {
            session.Printer.One((await session.Client.GetBudgetAsync(await session.TenantAsync(ct), ct)).Result, Columns);
            return ExitCodes.Ok;
        });
        var delete = new Command("delete", "Remove the budget");
        delete.Handle(context, async (_, session, ct) =>
        {
            await session.Client.DeleteBudgetAsync(await session.TenantAsync(ct), null, ct);
            session.Printer.Line("budget deleted");
            return ExitCodes.Ok;
        });
        command.Subcommands.Add(get);
        command.Subcommands.Add(delete);
        return command;
    }
}
