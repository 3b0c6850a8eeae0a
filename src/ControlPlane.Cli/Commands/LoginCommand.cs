using System.CommandLine;
using ControlPlane.Cli.Configuration;
using ControlPlane.Client;
using ControlPlane.Client.Authentication;

namespace ControlPlane.Cli.Commands;

/// <summary>
/// `controlplane login --url U --client-id ID --client-secret-stdin`: checks the credentials against the token endpoint,
/// then keeps them in the config directory (login.json, mode 0600) for later commands. Nothing is asked interactively.
/// </summary>
internal static class LoginCommand
{
    public static Command Create(CliContext context)
    {
        var url = new Option<string>("--url") { Description = "The service URL", Required = true };
        var clientId = new Option<string>("--client-id") { Description = "The service account's client id", Required = true };
        var secret = new Option<string?>("--client-secret") { Description = "The secret (prefer --client-secret-stdin: arguments show in process lists)" };
        var secretFromStdin = new Option<bool>("--client-secret-stdin") { Description = "Read the secret from standard input" };
        var command = new Command("login", "Store credentials in the user's config directory (0600)") { url, clientId, secret, secretFromStdin };
        command.SetAction((parse, cancellationToken) => CliApp.GuardedAsync(context, async () =>
        {
            var clientSecret = parse.GetValue(secretFromStdin) ? (await context.In.ReadToEndAsync(cancellationToken)).TrimEnd('\r', '\n')
                : parse.GetValue(secret) ?? throw new UsageException("Give the secret with --client-secret-stdin (or --client-secret).");
            var login = new StoredLogin(Session.BaseUrl(parse.GetValue(url)!).AbsoluteUri, parse.GetValue(clientId)!, clientSecret);
            var credentials = new ControlPlaneCredentials(new Uri(login.Url), login.ClientId, login.ClientSecret, null);
            var connection = ControlPlaneConnection.Create(credentials, new FileTokenCache(context.ConfigDirectory), context.Transport, context.Retries, context.Clock);
            await connection.Tokens.GetAsync(cancellationToken);
            login.Write(context.ConfigDirectory);
            context.Out.WriteLine($"Logged in to {login.Url} as {login.ClientId}; credentials stored in {Path.Combine(context.ConfigDirectory, StoredLogin.FileName)}.");
            return ExitCodes.Ok;
        }));
        return command;
    }
}
