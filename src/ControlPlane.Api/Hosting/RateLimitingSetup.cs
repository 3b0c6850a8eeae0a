using System.Collections.Concurrent;
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
/// <remarks>
/// Not <see cref="PartitionedRateLimiter.Create{TResource, TPartitionKey}"/>: that one finds the bucket under one lock
/// shared by every request, and the RateLimit header looked it up a second time through the same lock. Here a lock-free
/// map holds the buckets, and a timer forgets (and disposes) those that have been full for <see cref="IdleLimit"/>, as
/// that limiter did. A request that looked up a bucket just before it was forgotten looks again and gets a new, full one.
/// </remarks>
internal sealed class PrincipalRateLimiter : PartitionedRateLimiter<HttpContext>
{
    private static readonly PathString[] Unlimited = ["/healthz", "/readyz", "/metrics"];
    private static readonly TimeSpan IdleLimit = TimeSpan.FromSeconds(10);
    private static readonly RateLimiter NoLimit = RateLimitPartition.GetNoLimiter(0).Factory(0);

    private readonly ConcurrentDictionary<(bool Anonymous, string Name), TokenBucketRateLimiter> _buckets = new();
    private readonly Func<(bool, string), TokenBucketRateLimiter> _newBucket;
    private readonly Timer _forgetIdle;

    public PrincipalRateLimiter(RateLimitingOptions options)
    {
        Options = options;
        Policy = string.Create(CultureInfo.InvariantCulture, $"{options.Burst};w=1;burst={options.Burst};rate={options.PermitsPerSecond}");
        _newBucket = _ => new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = options.Burst,
            TokensPerPeriod = options.PermitsPerSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        });
        _forgetIdle = new Timer(_ => ForgetIdle(), null, IdleLimit, IdleLimit);
    }

    public RateLimitingOptions Options { get; }

    /// <summary>The policy: a burst of Burst requests, refilled at PermitsPerSecond.</summary>
    public string Policy { get; }

    public static bool IsUnlimited(HttpContext context)
    {
        foreach (var path in Unlimited)
        {
            if (context.Request.Path.StartsWithSegments(path, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The caller's limit, what is left of it and the seconds until the bucket is full again.</summary>
    public string Remaining(HttpContext context, int? retryAfter = null)
    {
        var remaining = retryAfter is null ? (int)(GetStatistics(context)?.CurrentAvailablePermits ?? Options.Burst) : 0;
        var reset = retryAfter ?? (int)Math.Ceiling((Options.Burst - remaining) / (double)Options.PermitsPerSecond);
        return string.Create(CultureInfo.InvariantCulture, $"limit={Options.Burst}, remaining={remaining}, reset={reset}");
    }

    public override RateLimiterStatistics? GetStatistics(HttpContext resource) => WithBucket(resource, static (bucket, _) => bucket.GetStatistics(), 0);

    protected override RateLimitLease AttemptAcquireCore(HttpContext resource, int permitCount) =>
        WithBucket(resource, static (bucket, permits) => bucket.AttemptAcquire(permits), permitCount);

    // The buckets never queue (QueueLimit 0): acquiring completes at once, as AttemptAcquire does.
    protected override ValueTask<RateLimitLease> AcquireAsyncCore(HttpContext resource, int permitCount, CancellationToken cancellationToken) =>
        ValueTask.FromResult(AttemptAcquireCore(resource, permitCount));

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _forgetIdle.Dispose();
            Forget(_ => true);
        }
    }

    private T WithBucket<T>(HttpContext context, Func<RateLimiter, int, T> use, int permits)
    {
        if (IsUnlimited(context))
        {
            return use(NoLimit, permits);
        }

        var principal = context.User.FindFirst(Claims.Subject)?.Value is { } subject
            ? (false, subject)
            : (true, context.Connection.RemoteIpAddress?.ToString() ?? "");
        while (true)
        {
            try
            {
                return use(_buckets.GetOrAdd(principal, _newBucket), permits);
            }
            catch (ObjectDisposedException)
            {
                // Forgotten between the lookup and its use: the next lookup creates a new bucket.
            }
        }
    }

    private void ForgetIdle() => Forget(bucket => bucket.IdleDuration > IdleLimit);

    /// <summary>Removed from the map before it is disposed, so no lookup finds a disposed bucket.</summary>
    private void Forget(Func<TokenBucketRateLimiter, bool> which)
    {
        foreach (var (principal, bucket) in _buckets)
        {
            if (which(bucket) && _buckets.TryRemove(KeyValuePair.Create(principal, bucket)))
            {
                bucket.Dispose();
            }
        }
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
            limiter.GlobalLimiter = buckets;
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
