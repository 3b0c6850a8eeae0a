namespace ControlPlane.Application.Reconciliation;

/// <summary>What became of one reconcile request.</summary>
public abstract record ReconcileOutcome
{
    /// <summary>The cluster did what was asked (or the request is obsolete): remove it from the outbox.</summary>
    public sealed record Done : ReconcileOutcome;

    /// <summary>A transient failure: keep the request and try again after a backoff.</summary>
    public sealed record RetryLater(string Error) : ReconcileOutcome;
}
