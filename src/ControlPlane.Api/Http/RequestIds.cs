using System.Diagnostics;

namespace ControlPlane.Api.Http;

/// <summary>The request id is the W3C trace id: the same value in logs, problem bodies, audit events and traces.</summary>
internal static class RequestIds
{
    public const string Header = "X-Request-Id";

    public static string Of(HttpContext context) => Activity.Current?.TraceId.ToString() ?? context.TraceIdentifier;

    /// <summary>Echo the request id on every response so a caller can quote it.</summary>
    public static IApplicationBuilder UseRequestIdHeader(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        context.Response.OnStarting(() =>
        {
            context.Response.Headers[Header] = Of(context);
            return Task.CompletedTask;
        });
        return next(context);
    });
}
