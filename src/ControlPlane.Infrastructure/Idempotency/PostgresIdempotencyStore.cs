using System.Text;
using ControlPlane.Application.Abstractions;
using ControlPlane.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Infrastructure.Idempotency;

/// <summary>
/// Claims keys with an autocommitted INSERT … ON CONFLICT DO NOTHING (so a concurrent duplicate sees the claim at once),
/// and stores the response inside the request's own transaction (so it commits exactly when the mutation does).
/// A response that carries a secret is stored encrypted, so that neither the database nor its backups hold it in clear.
/// </summary>
internal sealed class PostgresIdempotencyStore(ControlPlaneDbContext db, ICredentialProtector protector, TimeProvider clock) : IIdempotencyStore
{
    /// <summary>A claim older than this whose request never finished (the process died) may be taken over.</summary>
    private static readonly TimeSpan AbandonedAfter = TimeSpan.FromMinutes(5);

    public async Task<IdempotencyClaim> ClaimAsync(string scope, string key, byte[] requestHash, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var inserted = await db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO idempotency_records (scope, key, request_hash, claimed_at)
            VALUES ({scope}, {key}, {requestHash}, {now})
            ON CONFLICT (scope, key) DO NOTHING
            """, cancellationToken);
        if (inserted == 1)
        {
            return new IdempotencyClaim.Claimed();
        }

        var existing = await db.IdempotencyRecords.AsNoTracking()
            .FirstOrDefaultAsync(r => r.Scope == scope && r.Key == key, cancellationToken);
        if (existing is null)
        {
            // Released between our insert and our read: try once more.
            return await ClaimAsync(scope, key, requestHash, cancellationToken);
        }

        if (!existing.RequestHash.AsSpan().SequenceEqual(requestHash))
        {
            return new IdempotencyClaim.Mismatch();
        }

        if (existing.CompletedAt is not null)
        {
            var body = existing.ProtectedResponseBody is { } protectedBody
                ? Encoding.UTF8.GetString(protector.Unprotect(protectedBody))
                : existing.ResponseBody;
            return new IdempotencyClaim.Completed(new StoredResponse(
                existing.StatusCode!.Value, body, existing.ContentType, existing.Location, existing.ETag, existing.ProtectedResponseBody is not null));
        }

        var takenOver = existing.ClaimedAt < now - AbandonedAfter && await db.Database.ExecuteSqlAsync(
            $"""
            UPDATE idempotency_records SET claimed_at = {now}
            WHERE scope = {scope} AND key = {key} AND completed_at IS NULL AND claimed_at = {existing.ClaimedAt}
            """, cancellationToken) == 1;
        return takenOver ? new IdempotencyClaim.Claimed() : new IdempotencyClaim.InFlight();
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

    public async Task ReleaseAsync(string scope, string key, CancellationToken cancellationToken) =>
        await db.Database.ExecuteSqlAsync(
            $"DELETE FROM idempotency_records WHERE scope = {scope} AND key = {key} AND completed_at IS NULL", cancellationToken);
}
