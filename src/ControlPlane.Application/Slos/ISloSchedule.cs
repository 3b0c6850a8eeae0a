namespace ControlPlane.Application.Slos;

/// <summary>Which SLOs are due for evaluation, claimed so that each is evaluated by one replica once per interval.</summary>
public interface ISloSchedule
{
    /// <summary>
    /// Claims up to <paramref name="batchSize"/> SLOs whose next evaluation is due, moving it one interval ahead in the same
    /// statement (row locks that skip locked rows): a concurrent replica skips them, and a replica that dies mid-pass costs one interval.
    /// </summary>
    Task<IReadOnlyList<Guid>> ClaimDueAsync(DateTimeOffset now, TimeSpan interval, int batchSize, CancellationToken cancellationToken);
}
