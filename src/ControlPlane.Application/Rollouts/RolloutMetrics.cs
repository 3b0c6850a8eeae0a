using ControlPlane.Domain.Common;
using System.Diagnostics.Metrics;
using ControlPlane.Domain.Rollouts;

namespace ControlPlane.Application.Rollouts;

/// <summary>
/// controlplane_rollout_transitions_total{transition} (start, step, pause, resume, promote, roll-back, abort) and
/// controlplane_rollout_analysis_runs_total{verdict} (pass, fail, inconclusive).
/// </summary>
public sealed class RolloutMetrics
{
    private readonly Counter<long> _transitions;
    private readonly Counter<long> _runs;

    public RolloutMetrics(IMeterFactory meters)
    {
        var meter = meters.Create("ControlPlane");
        _transitions = meter.CreateCounter<long>("controlplane.rollout.transitions", description: "Rollout starts, steps, pauses, resumes and ends.");
        _runs = meter.CreateCounter<long>("controlplane.rollout.analysis_runs", description: "Rollout analysis runs by verdict.");
    }

    public void Transition(string transition) => _transitions.Add(1, new KeyValuePair<string, object?>("transition", transition));

    public void Analysed(GateVerdict verdict) =>
        _runs.Add(1, new KeyValuePair<string, object?>("verdict", WireNames.Of(verdict)));
}
