namespace ControlPlane.Application.Rollouts;

/// <summary>Configuration section "Rollouts".</summary>
public sealed class RolloutOptions
{
    public const string Section = "Rollouts";

    /// <summary>Run the rollout worker in this replica (any number may: each rollout is claimed by one replica per analysis interval).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Publish controlplane_rollout_phase in this replica (every poll, from the database) — also where <see cref="Enabled"/>
    /// is off; only a host without a database (the OpenAPI document generator) turns it off.
    /// </summary>
    public bool ExportPhases { get; set; } = true;

    /// <summary>How often the worker looks for rollouts whose analysis is due (each rollout's own interval decides when it is).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Rollouts claimed per pass.</summary>
    public int BatchSize { get; set; } = 100;
}
