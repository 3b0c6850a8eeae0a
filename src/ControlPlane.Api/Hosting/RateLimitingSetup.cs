using System.Globalization;
using System.Threading.RateLimiting;
using ControlPlane.Api.Http;
using Microsoft.AspNetCore.RateLimiting;
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

/// <summary>
/// The per-principal token buckets. Kept as a service (not only inside the rate limiter's options) so that every limited
/// response can tell the caller its remaining budget in the RateLimit header (IETF draft-ietf-httpapi-ratelimit-headers).
/// </summary>
internal sealed class PrincipalRateLimiter(RateLimitingOptions options)
{
    private static readonly string[] Unlimited = ["/healthz", "/readyz", "/metrics"];

    public RateLimitingOptions Options => options;

    public PartitionedRateLimiter<HttpContext> Limiter { get; } = PartitionedRateLimiter.Create<HttpContext, string>(context =>
    {
        if (IsUnlimited(context))
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

    public static bool IsUnlimited(HttpContext context) =>
        Unlimited.Any(p => context.Request.Path.StartsWithSegments(p, StringComparison.Ordinal));

    /// <summary>The policy: a burst of Burst requests, refilled at PermitsPerSecond.</summary>
    public string Policy => $"{options.Burst};w=1;burst={options.Burst};rate={options.PermitsPerSecond}";

    /// <summary>The caller's limit, what is left of it and the seconds until the bucket is full again.</summary>
    public string Remaining(HttpContext context, int? retryAfter = null)
    {
        var remaining = retryAfter is null ? Limiter.GetStatistics(context)?.CurrentAvailablePermits ?? options.Burst : 0;
        var reset = retryAfter ?? (int)Math.Ceiling((options.Burst - remaining) / (double)options.PermitsPerSecond);
        return string.Create(CultureInfo.InvariantCulture, $"limit={options.Burst}, remaining={remaining}, reset={reset}");
    }
}

internal static class RateLimitingSetup
{
    public const string PolicyHeader = "RateLimit-Policy";
    public const string StateHeader = "RateLimit";

    public static IServiceCollection AddControlPlaneRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(RateLimitingOptions.Section).Get<RateLimitingOptions>() ?? new RateLimitingOptions();
        services.AddSingleton(new PrincipalRateLimiter(options));
        services.AddOptions<RateLimiterOptions>().Configure<PrincipalRateLimiter>((limiter, buckets) =>
        {
            limiter.GlobalLimiter = buckets.Limiter;
            limiter.OnRejected = async (context, cancellationToken) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait)
                    ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 1;
                var response = context.HttpContext.Response;
                response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
                response.Headers[StateHeader] = buckets.Remaining(context.HttpContext, retryAfter);
                await Problems.WriteAsync(context.HttpContext, Problems.Create(429, ProblemTypes.RateLimited, "Too many requests.",
                    $"The rate limit of {options.PermitsPerSecond} requests per second (burst {options.Burst}) was exceeded; retry after {retryAfter} s."));
            };
        });
        return services.AddRateLimiter(_ => { });
    }

    /// <summary>Every limited response carries the policy and the caller's remaining budget, so clients can pace themselves.</summary>
    public static IApplicationBuilder UseRateLimitHeaders(this IApplicationBuilder app)
    {
        var buckets = app.ApplicationServices.GetRequiredService<PrincipalRateLimiter>();
        return app.Use((context, next) =>
        {
            if (!PrincipalRateLimiter.IsUnlimited(context))
            {
                context.Response.OnStarting(() =>
                {
                    context.Response.Headers[PolicyHeader] = buckets.Policy;
                    if (!context.Response.Headers.ContainsKey(StateHeader))
                    {
                        context.Response.Headers[StateHeader] = buckets.Remaining(context);
                    }

                    return Task.CompletedTask;
                });
            }

            return next(context);
        });
    }
}
