namespace ControlPlane.Domain.Slos;

/// <summary>One "when this holds, do that" rule of an SLO.</summary>
/// <param name="On">The condition.</param>
/// <param name="Action">What to do while it holds.</param>
/// <param name="Placement">For fallback: the placement (same tenant) that takes the shifted traffic.</param>
/// <param name="Weight">For fallback: the percentage of traffic shifted (1–100).</param>
public sealed record RemediationRule(RemediationTrigger On, RemediationAction Action, string? Placement = null, int? Weight = null);

/// <summary>A remediation currently in force, kept on the SLO so that it is reverted exactly once.</summary>
/// <param name="Action">What was done.</param>
/// <param name="Since">When it was taken.</param>
/// <param name="Detail">What exactly (e.g. "replicas 1 → 4", "50% to chat-cpu").</param>
/// <param name="RevertTo">For scale-to-max: the replica floor to go back to.</param>
public sealed record ActiveRemediation(RemediationAction Action, DateTimeOffset Since, string Detail, int? RevertTo = null);
