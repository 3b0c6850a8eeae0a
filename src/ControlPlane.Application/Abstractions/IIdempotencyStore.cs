namespace ControlPlane.Application.Abstractions;

/// <summary>What a previous request with the same idempotency key produced.</summary>
/// <param name="CarriesSecret">The body holds a credential (see <see cref="ICarriesSecret"/>): stored only encrypted.</param>
public sealed record StoredResponse(int StatusCode, string? Body, string? ContentType, string? Location, string? ETag, bool CarriesSecret = false);

/// <summary>
/// A response body that holds a credential shown only once (a client secret). A replay of its request still returns
/// it, so it is kept, but only encrypted with the credential-encryption key, never in plain text.
/// </summary>
public interface ICarriesSecret;

/// <summary>The result of trying to claim an idempotency key.</summary>
public abstract record IdempotencyClaim
{
    /// <summary>The key is ours: execute the request.</summary>
    public sealed record Claimed : IdempotencyClaim;

    /// <summary>The key was used before with the same request: replay its response.</summary>
    public sealed record Completed(StoredResponse Response) : IdempotencyClaim;

    /// <summary>The key is held by a request still in flight.</summary>
    public sealed record InFlight : IdempotencyClaim;

    /// <summary>The key was used before with a different request.</summary>
    public sealed record Mismatch : IdempotencyClaim;
}

/// <summary>Remembers responses to creating requests by (caller, key), so that retries are safe.</summary>
public interface IIdempotencyStore
{
    /// <summary>Claims the key in the current transaction: the claim commits or rolls back with the request.</summary>
    Task<IdempotencyClaim> ClaimAsync(string scope, string key, byte[] requestHash, CancellationToken cancellationToken);

    /// <summary>Stores the response in the current transaction, so it commits together with the mutation.</summary>
    Task CompleteAsync(string scope, string key, StoredResponse response, CancellationToken cancellationToken);
}
