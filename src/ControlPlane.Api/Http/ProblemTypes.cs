namespace ControlPlane.Api.Http;

/// <summary>Stable problem `type` URIs, one per kind of error, so clients can branch on them.</summary>
public static class ProblemTypes
{
    public const string BaseUri = "https://controlplane.dev/problems/";

    public const string ValidationFailed = BaseUri + "validation-failed";
    public const string MalformedRequest = BaseUri + "malformed-request";
    public const string NotFound = BaseUri + "not-found";
    public const string Unauthorized = BaseUri + "unauthorized";
    public const string Forbidden = BaseUri + "forbidden";
    public const string PreconditionFailed = BaseUri + "precondition-failed";
    public const string IdempotencyKeyReused = BaseUri + "idempotency-key-reused";
    public const string IdempotencyKeyInFlight = BaseUri + "idempotency-key-in-flight";
    public const string RateLimited = BaseUri + "rate-limited";
    public const string HttpsRequired = BaseUri + "https-required";
    public const string InternalError = BaseUri + "internal-error";
    public const string ServiceUnavailable = BaseUri + "service-unavailable";

    /// <summary>The type of a conflict or rule violation with its own code, e.g. "tenant-suspended".</summary>
    public static string Of(string code) => BaseUri + code;

    /// <summary>The type for a bare status code (routing 404, 405, 415, …).</summary>
    public static string ForStatus(int status) => status switch
    {
        400 => MalformedRequest,
        401 => Unauthorized,
        403 => Forbidden,
        404 => NotFound,
        412 => PreconditionFailed,
        413 => BaseUri + "payload-too-large",
        429 => RateLimited,
        503 => ServiceUnavailable,
        >= 500 => InternalError,
        _ => BaseUri + "http-" + status.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
