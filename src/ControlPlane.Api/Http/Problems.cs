using Microsoft.AspNetCore.Mvc;

namespace ControlPlane.Api.Http;

/// <summary>
/// The one factory for problem responses: the exception handler maps every Application and domain error through it, and
/// the few refusals that happen outside an endpoint (HTTPS required, rate limit) or must keep a header the exception
/// handler would clear (an in-flight Idempotency-Key's Retry-After) use it directly. <see cref="ProblemDetailsSetup"/>
/// then adds the trace and request ids to every body. The token endpoint's OAuth errors (RFC 6749 §5.2) are not problems.
/// </summary>
internal static class Problems
{
    public static ProblemDetails Create(int status, string type, string title, string? detail = null,
        IReadOnlyDictionary<string, object?>? extensions = null)
    {
        var problem = new ProblemDetails { Status = status, Type = type, Title = title, Detail = detail };
        foreach (var (key, value) in extensions ?? new Dictionary<string, object?>())
        {
            problem.Extensions[key] = value;
        }

        return problem;
    }

    /// <summary>A 400 naming each offending field under <c>errors</c>.</summary>
    public static HttpValidationProblemDetails Invalid(IDictionary<string, string[]> errors, string detail) => new(errors)
    {
        Status = StatusCodes.Status400BadRequest, Type = ProblemTypes.ValidationFailed, Title = "The request is invalid.", Detail = detail,
    };

    /// <summary>The problem as an endpoint's result.</summary>
    public static ProblemHttpResult Result(ProblemDetails problem) => TypedResults.Problem(problem);

    /// <summary>Writes the problem from middleware, outside any endpoint.</summary>
    public static async Task WriteAsync(HttpContext context, ProblemDetails problem)
    {
        context.Response.StatusCode = problem.Status!.Value;
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = problem,
        });
    }
}
