using System.Net;

namespace ControlPlane.Client.Http;

/// <summary>
/// Retries what the service calls transient — 429, 502, 503, 504 and connection failures — with capped exponential
/// backoff, waiting at least what <c>Retry-After</c> asks. Only requests that are safe to repeat: reads, PUT/DELETE,
/// and POSTs carrying an <c>Idempotency-Key</c> (or marked safe by the caller, like usage batches whose event ids
/// make a repeat harmless). The request body is buffered so each attempt sends the same bytes.
/// </summary>
public sealed class TransientRetryHandler(RetryPolicy policy) : DelegatingHandler
{
    public static readonly HttpRequestOptionsKey<bool> SafeToRepeat = new("controlplane.safe-to-repeat");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Content is not null)
        {
            await request.Content.LoadIntoBufferAsync(cancellationToken);
        }

        var repeatable = IsRepeatable(request);
        for (var attempt = 1; ; attempt++)
        {
            HttpResponseMessage response;
            try
            {
                response = await base.SendAsync(request, cancellationToken);
            }
            catch (HttpRequestException) when (repeatable && attempt < policy.MaxAttempts)
            {
                await Task.Delay(policy.Backoff(attempt, null), cancellationToken);
                continue;
            }

            if (!repeatable || attempt >= policy.MaxAttempts || !IsTransient(response.StatusCode))
            {
                return response;
            }

            var retryAfter = response.Headers.RetryAfter?.Delta
                ?? (response.Headers.RetryAfter?.Date is { } date ? date - DateTimeOffset.UtcNow : null);
            response.Dispose();
            await Task.Delay(policy.Backoff(attempt, retryAfter), cancellationToken);
        }
    }

    private static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.TooManyRequests or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;

    private static bool IsRepeatable(HttpRequestMessage request) =>
        request.Method != HttpMethod.Post && request.Method != HttpMethod.Patch
        || request.Headers.Contains("Idempotency-Key")
        || request.Options.TryGetValue(SafeToRepeat, out var safe) && safe;
}

/// <summary>How often and how patiently transient failures are retried.</summary>
public sealed record RetryPolicy(int MaxAttempts, TimeSpan InitialBackoff, TimeSpan MaxBackoff)
{
    public static RetryPolicy Default { get; } = new(5, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(30));

    /// <summary>Exponential from <see cref="InitialBackoff"/> with jitter, capped; never shorter than the server's Retry-After.</summary>
    public TimeSpan Backoff(int attempt, TimeSpan? retryAfter)
    {
        var exponential = InitialBackoff * Math.Pow(2, attempt - 1) * (0.5 + Random.Shared.NextDouble() / 2);
        var wait = exponential < MaxBackoff ? exponential : MaxBackoff;
        return retryAfter is { } asked && asked > wait ? (asked < MaxBackoff ? asked : MaxBackoff) : wait;
    }
}
