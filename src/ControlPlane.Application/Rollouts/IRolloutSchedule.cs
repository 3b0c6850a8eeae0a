namespace ControlPlane.Application.Rollouts;

/// <summary>Claims progressing rollouts whose analysis is due, each for one replica per analysis interval.</summary>
public interface IRolloutSchedule
{
    /// <summary>The ids claimed: their next analysis has moved one interval past <paramref name="now"/> before this returns.</summary>
    Task<IReadOnlyList<Guid>> ClaimDueAsync(DateTimeOffset now, int batchSize, CancellationToken cancellationToken);
}
