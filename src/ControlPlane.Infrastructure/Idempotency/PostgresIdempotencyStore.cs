using System.Text;
using ControlPlane.Application.Abstractions;
using ControlPlane.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ControlPlane.Infrastructure.Idempotency;

/// <summary>
/// Claims keys inside the request's own transaction — a transaction-scoped advisory lock on the key, then
/// INSERT … ON CONFLICT DO NOTHING — and stores the response in the same transaction: the claim commits exactly when
/// the mutation does, and vanishes when the request fails or the database goes away mid-request. A concurrent duplicate
/// finds the lock taken and hears at once that the key is in flight. A response that carries a secret is stored
/// encrypted, so that neither the database nor its backups hold it in clear. A record older than the retention is
/// expired: its key is claimed afresh, whether or not the pruner has deleted it yet.
/// </summary>
internal sealed class PostgresIdempotencyStore(ControlPlaneDbContext db, ICredentialProtector protector, IOptions<IdempotencyOptions> options,
    TimeProvider clock) : IIdempotencyStore
{
    public async Task<IdempotencyClaim> ClaimAsync(string scope, string key, byte[] requestHash, CancellationToken cancellationToken)
    {
        // A 64-bit hash of the key: two keys colliding only make one of them wait for the other (409, retry).
        var locked = await db.Database
            .SqlQuery<bool>($"SELECT pg_try_advisory_xact_lock(hashtextextended({scope} || chr(10) || {key}, 0)) AS \"Value\"")
            .SingleAsync(cancellationToken);
        if (!locked)
        {
            return new IdempotencyClaim.InFlight();
        }

        var now = clock.GetUtcNow();
        var inserted = await db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO idempotency_records (scope, key, request_hash, claimed_at)
            VALUES ({scope}, {key}, {requestHash}, {now})
            ON CONFLICT (scope, key) DO UPDATE
            SET request_hash = excluded.request_hash, claimed_at = excluded.claimed_at, completed_at = NULL, status_code = NULL,
                response_body = NULL, protected_response_body = NULL, content_type = NULL, location = NULL, e_tag = NULL
            WHERE idempotency_records.claimed_at < {now - options.Value.Retention}
            """, cancellationToken);
        if (inserted == 1)
        {
            return new IdempotencyClaim.Claimed();
        }

        // Only committed claims are visible, and a claim commits with its request's response.
        var existing = await db.IdempotencyRecords.AsNoTracking().FirstAsync(r => r.Scope == scope && r.Key == key, cancellationToken);
        if (existing.CompletedAt is null)
        {
            // Left by a version that claimed outside the request's transaction; its request is gone and we hold the key.
            return new IdempotencyClaim.Claimed();
        }

        if (!existing.RequestHash.AsSpan().SequenceEqual(requestHash))
        {
            return new IdempotencyClaim.Mismatch();
        }

        var body = existing.ProtectedResponseBody is { } protectedBody
            ? Encoding.UTF8.GetString(protector.Unprotect(protectedBody))
            : existing.ResponseBody;
        return new IdempotencyClaim.Completed(new StoredResponse(
            existing.StatusCode!.Value, body, existing.ContentType, existing.Location, existing.ETag, existing.ProtectedResponseBody is not null));
    }

    public async Task CompleteAsync(string scope, string key, StoredResponse response, CancellationToken cancellationToken)
    {
        var (body, protectedBody) = response is { CarriesSecret: true, Body: { } secret }
            ? ((string?)null, protector.Protect(Encoding.UTF8.GetBytes(secret)))
            : (response.Body, (byte[]?)null);
        await db.Database.ExecuteSqlAsync(
            $"""
            UPDATE idempotency_records
            SET completed_at = {clock.GetUtcNow()}, status_code = {response.StatusCode}, response_body = {body},
                protected_response_body = {protectedBody}, content_type = {response.ContentType}, location = {response.Location},
                e_tag = {response.ETag}
            WHERE scope = {scope} AND key = {key}
            """, cancellationToken);
    }
}
