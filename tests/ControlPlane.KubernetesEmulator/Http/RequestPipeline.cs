using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace ControlPlane.KubernetesEmulator.Http;

/// <summary>
/// What happens to every request before routing, outermost first: it is recorded (with the status it
/// finally got), faults are injected, and the bearer token is checked.
/// </summary>
internal static class RequestPipeline
{
    public static void Use(WebApplication app, EmulatorState state)
    {
        app.Use((context, next) => RecordAsync(context, next, state.Requests));
        app.Use((context, next) => InjectFaultsAsync(context, next, state));
        app.Use((context, next) => AuthenticateAsync(context, next, state.BearerToken));
    }

    private static async Task RecordAsync(HttpContext context, RequestDelegate next, RequestLog log)
    {
        var receivedAt = DateTimeOffset.UtcNow;
        try
        {
            await next(context);
        }
        finally
        {
            var request = context.Request;
            log.Add(new RecordedRequest(request.Method, request.Path.Value ?? "", request.QueryString.Value ?? "", request.ContentType, context.Response.StatusCode, receivedAt));
        }
    }

    private static async Task InjectFaultsAsync(HttpContext context, RequestDelegate next, EmulatorState state)
    {
        var (delay, failWith, message) = state.Faults.Decide(context.Request.Method, context.Request.Path.Value ?? "");
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, context.RequestAborted);
        }

        if (failWith is { } status)
        {
            var failure = StatusObjects.Failure(status);
            if (message is not null)
            {
                failure["message"] = message;
            }

            await JsonIo.WriteAsync(context.Response, status, failure);
            return;
        }

        await next(context);
    }

    private static Task AuthenticateAsync(HttpContext context, RequestDelegate next, string bearerToken)
    {
        var expected = "Bearer " + bearerToken;
        return context.Request.Headers.Authorization == expected
            ? next(context)
            : JsonIo.WriteAsync(context.Response, 401, StatusObjects.Failure(401));
    }
}
