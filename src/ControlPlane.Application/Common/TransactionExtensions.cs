using ControlPlane.Application.Abstractions;

namespace ControlPlane.Application.Common;

public static class TransactionExtensions
{
    /// <summary>
    /// Runs <paramref name="work"/> in the current transaction, or in a new one committed at the end.
    /// An HTTP request with an Idempotency-Key already runs in a transaction that also stores the response.
    /// </summary>
    public static async Task<T> InTransactionAsync<T>(this IControlPlaneDb db, Func<Task<T>> work, CancellationToken cancellationToken)
    {
        if (db.InTransaction)
        {
            return await work();
        }

        await using var transaction = await db.BeginTransactionAsync(savepointPerSave: true, cancellationToken);
        var result = await work();
        await transaction.CommitAsync(cancellationToken);
        return result;
    }
}
