using System.Diagnostics;

namespace ControlPlane.Api.Http;

internal static class ProblemDetailsSetup
{
    /// <summary>Every error body is RFC 9457 problem+json with a stable type, the trace id and the request id.</summary>
    public static IServiceCollection AddControlPlaneProblemDetails(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            var problem = context.ProblemDetails;
            var status = problem.Status ?? context.HttpContext.Response.StatusCode;
            if (problem.Type is null || problem.Type.StartsWith("https://tools.ietf.org/", StringComparison.Ordinal))
            {
                problem.Type = ProblemTypes.ForStatus(status);
            }

            problem.Instance ??= context.HttpContext.Request.Path;
            var traceId = Activity.Current?.TraceId.ToString() ?? context.HttpContext.TraceIdentifier;
            problem.Extensions["traceId"] = traceId;
            problem.Extensions["requestId"] = RequestIds.Of(context.HttpContext);
            if (status == StatusCodes.Status404NotFound && problem.Detail is null)
            {
                problem.Detail = "No resource exists at this path.";
            }
        });
        services.AddExceptionHandler<ApiExceptionHandler>();
        return services;
    }
}
