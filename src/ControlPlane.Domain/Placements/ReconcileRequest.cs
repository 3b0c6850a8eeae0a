namespace ControlPlane.Domain.Placements;

/// <summary>What the reconciler must make the cluster do for a placement.</summary>
public enum ReconcileAction
{
    /// <summary>Server-side apply the tenant baseline and the placement's objects.</summary>
    Apply,

    /// <summary>Delete the placement's objects, then release its capacity and quota.</summary>
    Delete,

    /// <summary>Make the placement's PrometheusRules (one per SLO on it) match its SLOs: apply each, delete the rest.</summary>
    SyncSloRules,

    /// <summary>Make the placement's HTTPRoute match its traffic split (an SLO's fallback remediation), or delete it.</summary>
    SyncTraffic,

    /// <summary>Make the canary Deployment and Service and the HTTPRoute match the placement's rollout (removed once it ended).</summary>
    SyncRollout,
}

/// <summary>
/// The transactional outbox: written in the same transaction as the placement change, leased by one reconciler
/// replica at a time (FOR UPDATE SKIP LOCKED), retried with backoff until the cluster has done it.
/// </summary>
public sealed class ReconcileRequest
{
    private ReconcileRequest()
    {
    }

    public long Id { get; private set; }
    public Guid PlacementId { get; private set; }
    public ReconcileAction Action { get; private set; }
    public int Attempts { get; private set; }
    public DateTimeOffset NotBefore { get; private set; }
    public string? LeaseOwner { get; private set; }
    public DateTimeOffset? LeaseExpiresAt { get; private set; }
    public string? LastError { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }

    public static ReconcileRequest For(Guid placementId, ReconcileAction action, DateTimeOffset now) =>
        new() { PlacementId = placementId, Action = action, NotBefore = now, CreatedAt = now };
}
