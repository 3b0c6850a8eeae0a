using ControlPlane.Domain.Common;
using System.Diagnostics.Metrics;
using ControlPlane.Domain.Rollouts;

namespace ControlPlane.Application.Rollouts;

/// <summary>
/// controlplane_rollout_transitions_total{transition} (start, step, pause, resume, promote, roll-back, abort),
/// controlplane_rollout_analysis_runs_total{verdict} (pass, fail, inconclusive) and
/// controlplane_rollout_phase{tenant,placement,rollout,phase}: as kube-state-metrics' *_phase gauges, one series per phase
/// of each placement's latest rollout, 1 for the phase it is in and 0 for the others.
/// </summary>
/// <remarks>
/// The phase gauge is what the database holds, published by every replica each poll (<see cref="RolloutPhaseExport"/>),
/// not set by whichever replica made a change: a phase is changed by the worker of any replica, by a user's
/// promote/abort/pause on any replica, or by a placement's deletion, so a gauge set at the change would be right only on
/// that replica and stale on every other one Prometheus scrapes.
/// </remarks>
public sealed class RolloutMetrics
{
    private readonly Counter<long> _transitions;
    private readonly Counter<long> _runs;
    private volatile IReadOnlyList<RolloutPhaseSnapshot> _phases = [];

    public RolloutMetrics(IMeterFactory meters)
    {
        var meter = meters.Create("ControlPlane");
        _transitions = meter.CreateCounter<long>("controlplane.rollout.transitions", description: "Rollout starts, steps, pauses, resumes and ends.");
        _runs = meter.CreateCounter<long>("controlplane.rollout.analysis_runs", description: "Rollout analysis runs by verdict.");
        meter.CreateObservableGauge("controlplane.rollout.phase", PhaseMeasurements,
            description: "1 for the phase each placement's latest rollout is in, 0 for the other phases.");
    }

    /// <summary>What a scrape of this replica exports as controlplane_rollout_phase.</summary>
    public IEnumerable<Measurement<int>> PhaseMeasurements() =>
        _phases.SelectMany(r => Enum.GetValues<RolloutPhase>().Select(phase => new Measurement<int>(phase == r.Phase ? 1 : 0,
            new KeyValuePair<string, object?>("tenant", r.Tenant), new KeyValuePair<string, object?>("placement", r.Placement),
            new KeyValuePair<string, object?>("rollout", r.Rollout), new KeyValuePair<string, object?>("phase", WireNames.Of(phase)))));

    public void PublishPhases(IReadOnlyList<RolloutPhaseSnapshot> phases) => _phases = phases;

    public void Transition(string transition) => _transitions.Add(1, new KeyValuePair<string, object?>("transition", transition));

    public void Analysed(GateVerdict verdict) =>
        _runs.Add(1, new KeyValuePair<string, object?>("verdict", WireNames.Of(verdict)));
}

/// <summary>The latest rollout of a placement, as the phase gauge exports it.</summary>
public sealed record RolloutPhaseSnapshot(string Tenant, string Placement, string Rollout, RolloutPhase Phase);
