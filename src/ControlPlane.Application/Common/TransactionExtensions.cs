using ControlPlane.Application.Abstractions;

namespace ControlPlane.Application.Common;

public static class TransactionExtensions
{
    /// <summary>Runs of a transaction that lost a race (40001, 40P01), the first included; after the last, the failure stands (a 503).</summary>
    public const int MaxAttempts = 3;

    /// <summary>
    /// Runs <paramref name="work"/> in the current transaction, or in a new one committed at the end.
    /// An HTTP request with an Idempotency-Key already runs in a transaction that also stores the response (its client's
    /// retry with the same key is the retry there).
    /// A transaction of its own that loses a race — a serialization failure or a deadlock, which PostgreSQL resolves by
    /// aborting one side — is rolled back and run again from the start, up to <see cref="MaxAttempts"/> times with a
    /// jittered pause, when that is safe: the unit of work tracked nothing before it began (so forgetting what the
    /// failed attempt tracked restores the state it started from), and <paramref name="work"/> writes only through the
    /// database (the outbox and the audit trail are rows of the same transaction).
    /// </summary>
    public static async Task<T> InTransactionAsync<T>(this IControlPlaneDb db, Func<Task<T>> work, CancellationToken cancellationToken)
    {
        if (db.InTransaction)
        {
            return await work();
        }

        var retryable = !db.ChangeTracker.Entries().Any();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var transaction = await db.BeginTransactionAsync(savepointPerSave: true, cancellationToken);
                var result = await work();
                await transaction.CommitAsync(cancellationToken);
                return result;
            }
            catch (Exception e) when (retryable && attempt < MaxAttempts && db.IsSerializationConflict(e))
            {
                db.ChangeTracker.Clear();
                // 10–20 ms, then 20–40 ms: the winner of the race has usually committed by then, and jitter keeps two
                // losers from meeting again.
                var pause = 10 << (attempt - 1);
                await Task.Delay(TimeSpan.FromMilliseconds(pause + Random.Shared.Next(pause)), cancellationToken);
            }
        }
    }
}
