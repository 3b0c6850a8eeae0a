using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Options;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace ControlPlane.Api.Identity;

/// <summary>Configuration section "LoginThrottling": failed client-credential attempts at /connect/token (per replica).</summary>
public sealed class LoginThrottlingOptions
{
    public const string Section = "LoginThrottling";

    /// <summary>Failed attempts for one client id within <see cref="Window"/> before that client id is refused.</summary>
    [Range(1, int.MaxValue)]
    public int FailuresPerClient { get; set; } = 10;

    /// <summary>Failed attempts from one source address within <see cref="Window"/> before that address is refused.</summary>
    [Range(1, int.MaxValue)]
    public int FailuresPerAddress { get; set; } = 30;

    /// <summary>The window failures are counted in; a refused client id or address may try again when it ends.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>
/// Throttles guessing at the token endpoint: a client id, or a source address, with too many failed client
/// authentications in the window gets 429 with Retry-After and an OAuth error body, before its secret is even checked.
/// Only failures count, so a client that authenticates correctly is never slowed down by this. Reading the client id
/// first, it also answers a NUL in it (or in the form, which then cannot be parsed) with an OAuth invalid_request:
/// PostgreSQL cannot even compare such text, and the token endpoint would fail with a 500.
/// </summary>
internal sealed class LoginThrottle
{
    public const string TokenPath = "/connect/token";

    private readonly FailedAttempts _clients;
    private readonly FailedAttempts _addresses;

    public LoginThrottle(IOptions<LoginThrottlingOptions> options, TimeProvider clock)
    {
        var value = options.Value;
        _clients = new FailedAttempts(value.FailuresPerClient, value.Window, clock);
        _addresses = new FailedAttempts(value.FailuresPerAddress, value.Window, clock);
    }

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        string? clientId;
        try
        {
            clientId = await ClientIdAsync(context.Request);
        }
        catch (InvalidDataException)
        {
            // ASP.NET Core refuses to parse a form with a NUL character.
            await RefuseNulAsync(context);
            return;
        }

        if (clientId?.Contains('\0', StringComparison.Ordinal) == true)
        {
            await RefuseNulAsync(context);
            return;
        }

        var address = "ip:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
        var client = clientId is null ? null : "client:" + (clientId.Length > 200 ? clientId[..200] : clientId);
        if ((_addresses.BlockedFor(address) ?? (client is null ? null : _clients.BlockedFor(client))) is { } wait)
        {
            await RefuseAsync(context, wait);
            return;
        }

        await next(context);
        if (context.Response.StatusCode == StatusCodes.Status401Unauthorized)
        {
            _addresses.Record(address);
            if (client is not null)
            {
                _clients.Record(client);
            }
        }
    }

    private static async Task RefuseAsync(HttpContext context, TimeSpan wait)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await WriteErrorAsync(context, StatusCodes.Status429TooManyRequests, Errors.TemporarilyUnavailable,
            $"Too many failed client authentications; retry after {seconds} s.");
    }

    private static Task RefuseNulAsync(HttpContext context) =>
        WriteErrorAsync(context, StatusCodes.Status400BadRequest, Errors.InvalidRequest, "The client_id or the form contains a NUL character.");

    /// <summary>An OAuth error response (RFC 6749 §5.2), as the token endpoint's own errors are.</summary>
    private static async Task WriteErrorAsync(HttpContext context, int status, string error, string description)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.Headers.CacheControl = "no-store";
        await response.WriteAsJsonAsync(new Dictionary<string, string>
        {
            [Parameters.Error] = error,
            [Parameters.ErrorDescription] = description,
        }, context.RequestAborted);
    }

    /// <summary>The client id from HTTP Basic credentials (client_secret_basic) or the form (client_secret_post).</summary>
    private static async Task<string?> ClientIdAsync(HttpRequest request)
    {
        if (AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var header)
            && string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase) && header.Parameter is { } encoded)
        {
            try
            {
                var credentials = Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
                var separator = credentials.IndexOf(':', StringComparison.Ordinal);
                return Uri.UnescapeDataString(separator < 0 ? credentials : credentials[..separator]);
            }
            catch (FormatException)
            {
                return null;
            }
        }

        return request.HasFormContentType
            ? (await request.ReadFormAsync(request.HttpContext.RequestAborted))[Parameters.ClientId].FirstOrDefault()
            : null;
    }
}

internal static class LoginThrottlingSetup
{
    public static IServiceCollection AddLoginThrottling(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<LoginThrottlingOptions>().Bind(configuration.GetSection(LoginThrottlingOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        return services.AddSingleton<LoginThrottle>();
    }

    /// <summary>Puts the throttle in front of the token endpoint (before authentication, where OpenIddict handles the request).</summary>
    public static IApplicationBuilder UseLoginThrottling(this IApplicationBuilder app)
    {
        var throttle = app.ApplicationServices.GetRequiredService<LoginThrottle>();
        return app.UseWhen(
            context => HttpMethods.IsPost(context.Request.Method) && context.Request.Path.Equals(LoginThrottle.TokenPath, StringComparison.Ordinal),
            branch => branch.Use(throttle.InvokeAsync));
    }
}
