using System.Globalization;
using ControlPlane.Cli.Output;
using ControlPlane.Client;

namespace ControlPlane.Cli.Commands;

/// <summary>
/// How a rollout is shown: one row of where it is, and in `status` a row per gate of its latest analysis runs with
/// the canary's and the stable variant's measurement, the limit and the verdict. JSON and YAML carry the whole rollout.
/// </summary>
internal static class RolloutView
{
    /// <summary>Runs shown in the table; -o json|yaml carries all the API keeps.</summary>
    public const int RunsShown = 10;

    public static readonly Column<RolloutResponse>[] Columns =
    [
        new("ID", r => r.Id),
        new("PLACEMENT", r => r.Placement),
        new("PHASE", r => WireJson.WireName(r.Status.Phase)),
        new("STEP", Step),
        new("WEIGHT", r => r.Strategy.Type == RolloutStrategyType.Shadow ? $"mirror {r.Status.MirrorPercent}%" : $"{r.Status.Weight}%"),
        new("CANARY REPLICAS", r => r.Status.CanaryReplicas),
        new("FAILED RUNS", r => $"{r.Status.FailedRuns}/{r.Analysis.FailureLimit + 1}"),
        new("TARGET", r => Target(r.Target)),
        new("REASON", r => r.Status.Reason),
    ];

    private static readonly Column<(AnalysisRun Run, GateMeasurement Gate)>[] GateColumns =
    [
        new("AT", m => m.Run.At),
        new("STEP", m => m.Run.Step + 1),
        new("RUN", m => WireJson.WireName(m.Run.Verdict)),
        new("GATE", m => m.Gate.Gate),
        new("CANARY", m => Measurement(m.Gate.Canary)),
        new("STABLE", m => Measurement(m.Gate.Stable)),
        new("LIMIT", m => Measurement(m.Gate.Limit)),
        new("VERDICT", m => WireJson.WireName(m.Gate.Verdict)),
        new("WHY", m => m.Gate.Reason),
    ];

    /// <summary>The rollout; in a table also its latest runs, gate by gate.</summary>
    public static void Status(Printer printer, RolloutResponse rollout)
    {
        printer.One(rollout, Columns);
        if (printer.Format != OutputFormat.Table)
        {
            return;
        }

        var runs = rollout.Status.AnalysisRuns.ToList();
        printer.Line(runs.Count > RunsShown
            ? $"Analysis: the latest {RunsShown} of {runs.Count} runs (-o json shows all)"
            : $"Analysis: {runs.Count} run(s)");
        if (runs.Count > 0)
        {
            printer.Many(runs.TakeLast(RunsShown).SelectMany(run => run.Gates.Select(gate => (run, gate))).ToList(), GateColumns);
        }
    }

    /// <summary>One line of progress for --wait.</summary>
    public static string Progress(RolloutResponse rollout)
    {
        var last = rollout.Status.AnalysisRuns.LastOrDefault();
        return $"rollout/{rollout.Placement}#{rollout.Id}: {WireJson.WireName(rollout.Status.Phase)}, step {Step(rollout)}, "
            + (rollout.Strategy.Type == RolloutStrategyType.Shadow ? $"mirroring {rollout.Status.MirrorPercent}%" : $"weight {rollout.Status.Weight}%")
            + $", {rollout.Status.FailedRuns} failed run(s)"
            + (last is null ? "" : $", last run {WireJson.WireName(last.Verdict)}: "
                + string.Join("; ", last.Gates.Select(g => $"{g.Gate} canary {Measurement(g.Canary)} stable {Measurement(g.Stable)} limit {Measurement(g.Limit)} {WireJson.WireName(g.Verdict)}")))
            + (rollout.Status.Reason is { } reason ? $" ({reason})" : "");
    }

    private static string Step(RolloutResponse rollout) =>
        rollout.Strategy.StepCount is { } steps ? $"{rollout.Status.Step + 1}/{steps}" : (rollout.Status.Step + 1).ToString(CultureInfo.InvariantCulture);

    private static string Target(RolloutTarget target) =>
        string.Join(", ", new[] { target.ModelName is null ? null : $"{target.ModelName} v{target.ModelVersion}", target.Image }.OfType<string>());

    private static string Measurement(double? value) => value?.ToString("0.######", CultureInfo.InvariantCulture) ?? "-";
}
