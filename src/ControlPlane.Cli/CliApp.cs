using System.CommandLine;
using ControlPlane.Cli.Commands;
using ControlPlane.Cli.Output;
using ControlPlane.Client;
using ControlPlane.Client.Authentication;

namespace ControlPlane.Cli;

/// <summary>The command tree and the one place where failures become messages on stderr and exit codes.</summary>
public static class CliApp
{
    internal static readonly Option<OutputFormat> Output = new("--output", "-o")
    {
        Description = "table, json or yaml",
        Recursive = true,
        DefaultValueFactory = _ => OutputFormat.Table,
    };

    internal static readonly Option<string?> Tenant = new("--tenant")
    {
        Description = "The tenant (default: CONTROLPLANE_TENANT, else the one the credentials belong to)",
        Recursive = true,
    };

    internal static readonly Option<string?> TokenFile = new("--token-file")
    {
        Description = "Exchange this Kubernetes projected service-account token (RFC 8693) instead of client credentials",
        Recursive = true,
    };

    public static async Task<int> RunAsync(string[] args, CliContext context, CancellationToken cancellationToken = default)
    {
        var root = new RootCommand("controlplane: the ControlPlane API from CI pipelines and terminals.");
        root.Options.Add(Output);
        root.Options.Add(Tenant);
        root.Options.Add(TokenFile);
        root.Subcommands.Add(LoginCommand.Create(context));
        root.Subcommands.Add(ApplyCommand.Create(context));
        root.Subcommands.Add(PlacementsCommands.Create(context));
        root.Subcommands.Add(ModelsCommands.Create(context));
        root.Subcommands.Add(SlosCommands.Create(context));
        root.Subcommands.Add(RolloutCommands.Create(context));
        root.Subcommands.Add(BudgetCommands.Create(context));
        root.Subcommands.Add(UsageCommands.Create(context));
        root.Subcommands.Add(BillingCommands.CreateCosts(context));
        root.Subcommands.Add(BillingCommands.CreateStatements(context));
        return await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = context.Out, Error = context.Error }, cancellationToken);
    }

    /// <summary>Sets a command's action: open a session for the global options, run, and map every failure to its exit code.</summary>
    internal static void Handle(this Command command, CliContext context, Func<ParseResult, Session, CancellationToken, Task<int>> action) =>
        command.SetAction((parse, cancellationToken) => GuardedAsync(context, () =>
            action(parse, Session.Open(context, parse.GetValue(TokenFile), parse.GetValue(Tenant), parse.GetValue(Output)), cancellationToken)));

    internal static async Task<int> GuardedAsync(CliContext context, Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (ApiException refusal)
        {
            return ProblemReport.Write(refusal, context.Error);
        }
        catch (UsageException usage)
        {
            context.Error.WriteLine($"Error: {usage.Message}");
            return ExitCodes.Usage;
        }
        catch (AuthenticationFailedException auth)
        {
            context.Error.WriteLine($"Error: {auth.Message}");
            return ExitCodes.Authentication;
        }
        catch (OutcomeException outcome)
        {
            context.Error.WriteLine($"Error: {outcome.Message}");
            return outcome.Code;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException { InnerException: TimeoutException })
        {
            context.Error.WriteLine($"Error: the service could not be reached: {e.Message}");
            return ExitCodes.Transient;
        }
    }
}
