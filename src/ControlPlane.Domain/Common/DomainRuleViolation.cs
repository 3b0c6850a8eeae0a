namespace ControlPlane.Domain.Common;

/// <summary>A state transition that the domain's rules forbid (for example resuming an active tenant).</summary>
/// <param name="code">A stable, machine-readable code (kebab-case) for the rule that was broken.</param>
/// <param name="message">A sentence for the caller.</param>
public sealed class DomainRuleViolation(string code, string message) : Exception(message)
{
    /// <summary>The machine-readable code of the broken rule.</summary>
    public string Code { get; } = code;
}
