using System.Text;
using System.Text.Json;
using ControlPlane.Cli.Configuration;
using ControlPlane.Cli.Output;
using ControlPlane.Client;
using ControlPlane.Client.Authentication;

namespace ControlPlane.Cli;

/// <summary>
/// One invocation's connection: credentials from the environment (CONTROLPLANE_URL, CONTROLPLANE_CLIENT_ID,
/// CONTROLPLANE_CLIENT_SECRET, or --token-file / CONTROLPLANE_TOKEN_FILE), else from `controlplane login`; the
/// generated client over the retrying, token-caching pipeline; the tenant; and the printer for -o.
/// </summary>
internal sealed class Session(CliContext context, ControlPlaneConnection connection, string? tenantOption, Printer printer)
{
    public CliContext Context => context;

    public ControlPlaneClient Client => connection.Client;

    public HttpClient Http => connection.Http;

    public Printer Printer => printer;

    public static Session Open(CliContext context, string? tokenFile, string? tenant, OutputFormat format)
    {
        var credentials = Credentials(context, tokenFile);
        var connection = ControlPlaneConnection.Create(credentials, new FileTokenCache(context.ConfigDirectory), context.Transport, context.Retries, context.Clock);
        return new Session(context, connection, tenant ?? context.Environment("CONTROLPLANE_TENANT"), new Printer(context.Out, format));
    }

    public static ControlPlaneCredentials Credentials(CliContext context, string? tokenFile)
    {
        var login = StoredLogin.Read(context.ConfigDirectory);
        var url = context.Environment("CONTROLPLANE_URL") is { Length: > 0 } fromEnvironment ? fromEnvironment
            : login?.Url ?? throw new UsageException("No service URL: set CONTROLPLANE_URL or run `controlplane login`.");
        tokenFile ??= context.Environment("CONTROLPLANE_TOKEN_FILE") is { Length: > 0 } file ? file : null;
        var clientId = context.Environment("CONTROLPLANE_CLIENT_ID") is { Length: > 0 } id ? id : login?.ClientId;
        var secret = context.Environment("CONTROLPLANE_CLIENT_SECRET") is { Length: > 0 } s ? s : login?.ClientSecret;
        return new ControlPlaneCredentials(BaseUrl(url), tokenFile is null ? clientId : null, tokenFile is null ? secret : null, tokenFile);
    }

    /// <summary>The API's paths are relative to the base URL, so it must end with a slash.</summary>
    public static Uri BaseUrl(string url) =>
        Uri.TryCreate(url.EndsWith('/') ? url : url + "/", UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new UsageException($"'{url}' is not an http(s) URL.");

    /// <summary>
    /// --tenant, else CONTROLPLANE_TENANT, else the tenant the credentials belong to (a service account has exactly one:
    /// the token's tenant claim), else a usage error — operators name the tenant.
    /// </summary>
    public async Task<string> TenantAsync(CancellationToken cancellationToken)
    {
        if (tenantOption is { Length: > 0 })
        {
            return tenantOption;
        }

        var token = await connection.Tokens.GetAsync(cancellationToken);
        return TenantClaim(token.Value) ?? throw new UsageException("Which tenant? These credentials belong to none: pass --tenant or set CONTROLPLANE_TENANT.");
    }

    /// <summary>Reads the tenant claim without verifying the token: it only chooses a default, the API decides what is allowed.</summary>
    private static string? TenantClaim(string jwt)
    {
        var parts = jwt.Split('.');
        if (parts.Length < 2)
        {
            return null;
        }

        try
        {
            var payload = parts[1].Replace('-', '+').Replace('_', '/');
            payload = payload.PadRight(payload.Length + (4 - payload.Length % 4) % 4, '=');
            using var json = JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(payload)));
            return json.RootElement.TryGetProperty("tenant", out var tenant) && tenant.ValueKind == JsonValueKind.String ? tenant.GetString() : null;
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return null; // an opaque token: fall through to the usage error
        }
    }
}
