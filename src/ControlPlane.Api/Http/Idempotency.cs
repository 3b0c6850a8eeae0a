using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ControlPlane.Application.Abstractions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace ControlPlane.Api.Http;

/// <summary>Marks a creating POST as honouring the Idempotency-Key header (documented in OpenAPI).</summary>
public sealed class IdempotentMetadata;

/// <summary>
/// The body a replayed success answers now, read from the resource the first request created (its stored Location):
/// for responses holding something that expires, such as presigned upload URLs, which a stored body would replay stale.
/// </summary>
internal delegate Task<object> ReplayRenderer(HttpContext context, StoredResponse stored, CancellationToken cancellationToken);

/// <summary>
/// Idempotency-Key on creating POSTs: same key and same request → the stored response; same key and another
/// request → 422; the same key while its first request is still running → 409. The key is claimed and the response
/// stored in the request's transaction, so a stored response always describes a committed mutation and a request that
/// did not commit leaves nothing behind. An endpoint with a <see cref="ReplayRenderer"/> stores no success body: its
/// replay is rendered afresh, with the stored status and headers.
/// </summary>
internal static class Idempotency
{
    public const string Header = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";
    public const int MaxKeyLength = 255;

    public static RouteHandlerBuilder WithIdempotency(this RouteHandlerBuilder builder, ReplayRenderer? rerender = null) =>
        builder.WithMetadata(new IdempotentMetadata()).AddEndpointFilter((context, next) => Filter(context, next, rerender));

    /// <summary>Buffers bodies of requests carrying a key, so the filter can hash the body after model binding read it.</summary>
    public static IApplicationBuilder UseIdempotencyBuffering(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        if (HttpMethods.IsPost(context.Request.Method) && context.Request.Headers.ContainsKey(Header))
        {
            context.Request.EnableBuffering();
        }

        return next(context);
    });

    private static async ValueTask<object?> Filter(EndpointFilterInvocationContext context, EndpointFilterDelegate next, ReplayRenderer? rerender)
    {
        var http = context.HttpContext;
        var key = http.Request.Headers[Header].ToString();
        if (string.IsNullOrEmpty(key))
        {
            return await next(context);
        }

        if (key.Length > MaxKeyLength)
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { [Header] = [$"must be at most {MaxKeyLength} characters"] },
                type: ProblemTypes.ValidationFailed, title: "The request is invalid.");
        }

        var services = http.RequestServices;
        var store = services.GetRequiredService<IIdempotencyStore>();
        var scope = services.GetRequiredService<ICallerContext>().Caller.Subject;
        var cancellationToken = http.RequestAborted;
        var requestHash = await HashAsync(http.Request, cancellationToken);
        // The claim is made in the request's own transaction: if the request fails, or the database goes away before
        // it commits, the claim vanishes with it and a retry runs again at once (no claim is ever left behind).
        var db = services.GetRequiredService<IControlPlaneDb>();
        // Nothing in a request continues after a failed save (see IControlPlaneDb.BeginTransactionAsync).
        await using var transaction = await db.BeginTransactionAsync(savepointPerSave: false, cancellationToken);
        switch (await store.ClaimAsync(scope, key, requestHash, cancellationToken))
        {
            case IdempotencyClaim.Completed { Response: var stored } when rerender is not null && IsSuccess(stored.StatusCode):
                return new ReplayedResult(stored with { Body = Serialize(services, await rerender(http, stored, cancellationToken)) });
            case IdempotencyClaim.Completed completed:
                return new ReplayedResult(completed.Response);
            case IdempotencyClaim.Mismatch:
                return Problem(422, ProblemTypes.IdempotencyKeyReused,
                    $"The Idempotency-Key '{key}' was already used with a different request; use a new key for a new request.");
            case IdempotencyClaim.InFlight:
                http.Response.Headers.RetryAfter = "1";
                return Problem(409, ProblemTypes.IdempotencyKeyInFlight,
                    $"A request with the Idempotency-Key '{key}' is still being processed; retry shortly to get its response.");
        }

        var result = await next(context);
        var status = (result as IStatusCodeHttpResult)?.StatusCode ?? StatusCodes.Status200OK;
        if (status >= 500)
        {
            return result; // disposing the transaction rolls the claim back
        }

        var value = (result as IValueHttpResult)?.Value;
        var resource = result as IResourceResult;
        await store.CompleteAsync(scope, key, new StoredResponse(
            status,
            value is null || (rerender is not null && IsSuccess(status)) ? null : Serialize(services, value),
            value is ProblemDetails ? "application/problem+json" : "application/json",
            resource?.Location,
            resource?.ETag,
            value is ICarriesSecret), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    private static bool IsSuccess(int status) => status is >= 200 and < 300;

    private static string Serialize(IServiceProvider services, object value) => JsonSerializer.Serialize(value, value.GetType(),
        services.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions);

    private static async Task<byte[]> HashAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        request.Body.Position = 0;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"{request.Method} {request.Path}{request.QueryString}\n"));
        var buffer = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            hash.AppendData(buffer, 0, read);
        }

        return hash.GetHashAndReset();
    }

    /// <summary>A result, not an exception: the exception handler would clear the in-flight refusal's Retry-After.</summary>
    private static ProblemHttpResult Problem(int status, string type, string detail) =>
        Problems.Result(Problems.Create(status, type, "Idempotency-Key conflict.", detail));

    /// <summary>Writes a stored response again, marked as a replay.</summary>
    private sealed class ReplayedResult(StoredResponse stored) : IResult, IStatusCodeHttpResult
    {
        public int? StatusCode => stored.StatusCode;

        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = stored.StatusCode;
            response.Headers[ReplayedHeader] = "true";
            if (stored.Location is not null)
            {
                response.Headers.Location = stored.Location;
            }

            if (stored.ETag is not null)
            {
                response.Headers.ETag = stored.ETag;
            }

            if (stored.Body is not null)
            {
                response.ContentType = stored.ContentType ?? "application/json";
                await response.WriteAsync(stored.Body, httpContext.RequestAborted);
            }
        }
    }
}
