using ControlPlane.Domain.Placements;

namespace ControlPlane.Application.Abstractions;

/// <summary>The outbox of reconcile requests, leased by reconciler replicas with row locks that skip rows another replica holds.</summary>
public interface IReconcileQueue
{
    /// <summary>Leases up to <paramref name="batchSize"/> due requests no live lease holds; a dead worker's lease simply expires.</summary>
    Task<IReadOnlyList<ReconcileRequest>> LeaseAsync(string owner, int batchSize, TimeSpan leaseDuration, CancellationToken cancellationToken);

    /// <summary>Removes a done request (only while <paramref name="owner"/> still holds its lease).</summary>
    Task CompleteAsync(long id, string owner, CancellationToken cancellationToken);

    /// <summary>Releases the lease and schedules the next attempt.</summary>
    Task RetryLaterAsync(long id, string owner, DateTimeOffset notBefore, string error, CancellationToken cancellationToken);
}
