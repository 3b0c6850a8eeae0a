using System.Globalization;
using System.Threading.RateLimiting;
using ControlPlane.Api.Http;
using Microsoft.AspNetCore.Mvc;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace ControlPlane.Api.Hosting;

/// <summary>Configuration section "RateLimiting": a token bucket per principal (per client IP when anonymous).</summary>
public sealed class RateLimitingOptions
{
    public const string Section = "RateLimiting";

    /// <summary>Sustained requests per second per principal.</summary>
    public int PermitsPerSecond { get; set; } = 100;

    /// <summary>Requests a principal may burst above the sustained rate.</summary>
    public int Burst { get; set; } = 200;
}

internal static class RateLimitingSetup
{
    private static readonly string[] Unlimited = ["/healthz", "/readyz", "/metrics"];

    public static IServiceCollection AddControlPlaneRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(RateLimitingOptions.Section).Get<RateLimitingOptions>() ?? new RateLimitingOptions();
        return services.AddRateLimiter(limiter =>
        {
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                if (Unlimited.Any(p => context.Request.Path.StartsWithSegments(p, StringComparison.Ordinal)))
                {
                    return RateLimitPartition.GetNoLimiter("unlimited");
                }

                var principal = context.User.FindFirst(Claims.Subject)?.Value is { } subject
                    ? "sub:" + subject
                    : "ip:" + context.Connection.RemoteIpAddress;
                return RateLimitPartition.GetTokenBucketLimiter(principal, _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = options.Burst,
                    TokensPerPeriod = options.PermitsPerSecond,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
            limiter.OnRejected = async (context, cancellationToken) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait)
                    ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 1;
                var response = context.HttpContext.Response;
                response.StatusCode = StatusCodes.Status429TooManyRequests;
                response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
                response.Headers["RateLimit-Policy"] = $"{options.Burst};w=1;burst={options.Burst};rate={options.PermitsPerSecond}";
                response.Headers["RateLimit"] = $"limit={options.Burst}, remaining=0, reset={retryAfter}";
                await context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context.HttpContext,
                    ProblemDetails = new ProblemDetails
                    {
                        Status = 429, Type = ProblemTypes.RateLimited, Title = "Too many requests.",
                        Detail = $"The rate limit of {options.PermitsPerSecond} requests per second (burst {options.Burst}) was exceeded; retry after {retryAfter} s.",
                    },
                });
            };
        });
    }
}
