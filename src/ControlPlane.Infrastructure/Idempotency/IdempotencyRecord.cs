namespace ControlPlane.Infrastructure.Idempotency;

/// <summary>A claimed idempotency key and, once the request finished, the response it produced.</summary>
public sealed class IdempotencyRecord
{
    public string Scope { get; set; } = "";
    public string Key { get; set; } = "";
    public byte[] RequestHash { get; set; } = [];
    public DateTimeOffset ClaimedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    public int? StatusCode { get; set; }
    public string? ResponseBody { get; set; }

    /// <summary>A body that carries a secret, encrypted with the credential-encryption key (then <see cref="ResponseBody"/> is null).</summary>
    public byte[]? ProtectedResponseBody { get; set; }
    public string? ContentType { get; set; }
    public string? Location { get; set; }
    public string? ETag { get; set; }
}
