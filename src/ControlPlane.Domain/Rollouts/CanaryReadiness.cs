namespace ControlPlane.Domain.Rollouts;

/// <summary>
/// What the cluster reported of a rollout's canary Deployment, append-only: from <see cref="At"/> on, until the next report
/// or the rollout's end, <see cref="ReadyReplicas"/> of its replicas were ready. The system metering bills the canary's
/// GPU-seconds from these reports, as it bills a placement from its transitions.
/// </summary>
public sealed class CanaryReadiness
{
    private CanaryReadiness()
    {
    }

    public long Id { get; private set; }
    public Guid RolloutId { get; private set; }
    public DateTimeOffset At { get; private set; }
    public int ReadyReplicas { get; private set; }

    public static CanaryReadiness Of(Guid rolloutId, int readyReplicas, DateTimeOffset at) =>
        new() { RolloutId = rolloutId, ReadyReplicas = readyReplicas, At = at };
}
