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

    /// <summary>How much longer than its window an SLO's evaluation history is kept (so a graph of a whole window has its edge).</summary>
    public TimeSpan HistoryMargin { get; set; } = TimeSpan.FromDays(1);

    /// <summary>The longest any SLO's history is kept, whatever its window: the operator's cap on the history table.</summary>
    public TimeSpan MaxHistoryRetention { get; set; } = TimeSpan.FromDays(91);

    /// <summary>
    /// History rows deleted at most per pass (oldest first, only of the SLOs this pass claimed). Each pass adds one row per
    /// SLO, so the default (twice <see cref="BatchSize"/>) also drains a backlog.
    /// </summary>
    public int HistoryPruneBatchSize { get; set; } = 20_000;

    /// <summary>
    /// How long a replica keeps exporting an SLO's gauges after it last evaluated it: three intervals, at least a minute
    /// (a slow pass or a pause must not make the series flicker).
    /// </summary>
    public TimeSpan MetricsRetention => EvaluationInterval * 3 > TimeSpan.FromMinutes(1) ? EvaluationInterval * 3 : TimeSpan.FromMinutes(1);

    /// <summary>How long the history of an SLO with this window is kept: the window plus the margin, at most the cap.</summary>
    public TimeSpan HistoryRetention(TimeSpan window) => window + HistoryMargin < MaxHistoryRetention ? window + HistoryMargin : MaxHistoryRetention;
}
