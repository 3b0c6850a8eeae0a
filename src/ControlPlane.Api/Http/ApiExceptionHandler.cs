using System.Text.Json;
using ControlPlane.Application.Common;
using ControlPlane.Domain.Common;
using ControlPlane.Infrastructure.Persistence;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace ControlPlane.Api.Http;

/// <summary>Maps application and domain errors to problem details. Nothing else leaks: no stack traces, no SQL.</summary>
internal sealed partial class ApiExceptionHandler(IProblemDetailsService problems, ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    /// <summary>A restarted PostgreSQL answers the first request about 0.2 s after it accepts connections again.</summary>
    private const string RetryAfterSeconds = "1";

    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var problem = ToProblem(exception, context.Request);
        if (problem.Status == StatusCodes.Status503ServiceUnavailable)
        {
            // Not a bug: the database or the object store is down, restarting or overloaded. Clients back off and retry
            // (with the same Idempotency-Key); one line per request, without the stack trace, keeps an outage's log readable.
            context.Response.Headers.RetryAfter = RetryAfterSeconds;
            logger.LogWarning("Dependency unavailable on {Method} {Path}: {Error}", context.Request.Method, context.Request.Path, exception.Message);
        }
        else if (problem.Status >= 500)
        {
            logger.LogError(exception, "Unhandled error on {Method} {Path}", context.Request.Method, context.Request.Path);
        }

        context.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception });
    }

    private static ProblemDetails ToProblem(Exception exception, HttpRequest request) => exception switch
    {
        ValidationFailedException e => Problems.Invalid(e.Errors.ToDictionary(), e.Message),
        BadHttpRequestException { InnerException: JsonException json } => MalformedJson(json),
        BadHttpRequestException e => Problems.Create(e.StatusCode, ProblemTypes.ForStatus(e.StatusCode), "The request could not be read.", e.Message),
        // A form the framework cannot decode (a %00 in a field of the token request): the client's fault, not ours.
        InvalidDataException e when request.HasFormContentType => Problems.Create(400, ProblemTypes.MalformedRequest, "The request could not be read.", e.Message),
        ResourceNotFoundException e => Problems.Create(404, ProblemTypes.NotFound, "Not found.", e.Message),
        ForbiddenException e => Problems.Create(403, ProblemTypes.Of(e.Code), "Forbidden.", e.Message),
        PreconditionFailedException or DbUpdateConcurrencyException => Problems.Create(412, ProblemTypes.PreconditionFailed, "The resource changed.",
            exception is PreconditionFailedException ? exception.Message : "The resource was modified concurrently; read it again and retry."),
        ConflictException e => Problems.Create(409, ProblemTypes.Of(e.Code), "Conflict.", e.Message, e.Extensions),
        UnprocessableException e => Problems.Create(422, ProblemTypes.Of(e.Code), "The request cannot be satisfied as asked.", e.Message, e.Extensions),
        DomainRuleViolation e => Problems.Create(409, ProblemTypes.Of(e.Code), "Conflict.", e.Message),
        DbUpdateException when UniqueViolation.Is(exception) =>
            Problems.Create(409, ProblemTypes.Of("already-exists"), "Conflict.", "A resource with this name already exists."),
        DbUpdateException { InnerException: PostgresException { SqlState: PostgresErrorCodes.ForeignKeyViolation } } =>
            Problems.Create(409, ProblemTypes.Of("resource-in-use"), "Conflict.", "Other resources still refer to this one; delete them first."),
        OperationCanceledException => Problems.Create(499, ProblemTypes.ForStatus(499), "The client closed the request."),
        // After the client's own cancellation (which Npgsql reports with a 57014 inside), not before.
        // The store's own message (its address) stays in the log.
        Application.Models.ObjectStoreUnavailableException => Problems.Create(503, ProblemTypes.ServiceUnavailable,
            "The object store is temporarily unavailable.",
            "The model store did not answer in time. Retry after the Retry-After delay; finalize resumes where it stopped."),
        _ when TransientDatabaseFailure.Is(exception) => Problems.Create(503, ProblemTypes.ServiceUnavailable, "The service is temporarily unavailable.",
            "The database is unavailable or overloaded. Retry after the Retry-After delay; a creating POST is safe to retry with the same Idempotency-Key."),
        _ => Problems.Create(500, ProblemTypes.InternalError, "An unexpected error occurred.", "The error was logged; quote the requestId when reporting it."),
    };

    /// <summary>
    /// A body that is not valid JSON, has a wrongly typed field (e.g. an unknown enum value) or a member the schema does not
    /// have names the field.
    /// </summary>
    private static HttpValidationProblemDetails MalformedJson(JsonException json)
    {
        var field = string.IsNullOrEmpty(json.Path) || json.Path == "$" ? "body" : json.Path.TrimStart('$', '.');
        var message = "has an invalid value or type for this field (see the schema in /openapi/v1.json)";
        if (UnmappedMember().Match(json.Message) is { Success: true } unmapped)
        {
            var member = unmapped.Groups[1].Value;
            field = field == "body" ? member : field.EndsWith(member, StringComparison.Ordinal) ? field : field + "." + member;
            message = "is not a field of this request body: check its spelling against the schema in /openapi/v1.json (unknown fields are refused, not ignored)";
        }

        return Problems.Invalid(new Dictionary<string, string[]> { [field] = [message] }, "The body is not valid JSON for this operation.");
    }

    /// <summary>System.Text.Json's message for a member refused by <c>JsonUnmappedMemberHandling.Disallow</c>.</summary>
    [System.Text.RegularExpressions.GeneratedRegex("^The JSON property '(.*)' could not be mapped to any \\.NET member", System.Text.RegularExpressions.RegexOptions.Singleline)]
    private static partial System.Text.RegularExpressions.Regex UnmappedMember();
}
