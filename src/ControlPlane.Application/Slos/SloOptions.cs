namespace ControlPlane.Application.Slos;

/// <summary>Configuration section "Slos".</summary>
public sealed class SloOptions
{
    public const string Section = "Slos";

    /// <summary>Run the evaluation worker in this replica (any number may: each SLO is claimed by one replica per interval).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often every SLO is evaluated.</summary>
    public TimeSpan EvaluationInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long one Prometheus query may take before the SLOs it serves show no-data.</summary>
    public TimeSpan QueryTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The least time between two changes (take or revert) of the same remediation of an SLO.</summary>
    public TimeSpan RemediationCooldown { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>SLOs claimed per batch of a pass.</summary>
    public int BatchSize { get; set; } = 10_000;
}
