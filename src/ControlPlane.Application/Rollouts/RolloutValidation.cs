using System.Globalization;
using System.Text.RegularExpressions;
using ControlPlane.Application.Common;
using ControlPlane.Application.Placements;
using ControlPlane.Domain.Common;
using ControlPlane.Domain.Rollouts;
using ControlPlane.Domain.Slos;

namespace ControlPlane.Application.Rollouts;

/// <summary>Checks a rollout request and turns it into the domain's strategy and analysis (every field error at once).</summary>
public static partial class RolloutValidation
{
    public const int MaxSteps = 20;
    public const int MaxGates = 10;
    public const int MaxFailureLimit = 100;

    /// <summary>The longest pause, shadow duration or interval: a day.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(1);

    public const string DurationRule = "a duration of whole seconds, minutes or hours, e.g. 30s, 5m, 1h (at most 24h)";

    public static (RolloutStrategy Strategy, RolloutAnalysis Analysis) Validate(StartRolloutRequest request)
    {
        var errors = new FieldErrors();
        errors.AddIf(request.Model is null && request.Image is null, "model", "give a model version (or alias), an image, or both");
        errors.AddIf(request.Image is not null && !PlacementValidation.IsValidImage(request.Image), "image", PlacementValidation.ImageRule);
        var strategy = Strategy(request.Strategy, errors);
        var analysis = Analysis(request.Analysis, errors);
        errors.ThrowIfAny();
        return (strategy!, analysis!);
    }

    /// <summary>"30s", "5m", "2h": whole seconds, minutes or hours up to a day; false otherwise.</summary>
    public static bool TryParseDuration(string? text, out TimeSpan duration)
    {
        duration = default;
        var match = text is null ? Match.Empty : DurationPattern().Match(text);
        if (!match.Success || !int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var amount) || amount <= 0)
        {
            return false;
        }

        duration = match.Groups[2].Value switch { "s" => TimeSpan.FromSeconds(amount), "m" => TimeSpan.FromMinutes(amount), _ => TimeSpan.FromHours(amount) };
        return duration <= MaxDuration;
    }

    private static RolloutStrategy? Strategy(RolloutStrategyRequest? request, FieldErrors errors)
    {
        if (request?.Type is not { } type)
        {
            errors.Add("strategy.type", "is required: canary or shadow");
            return null;
        }

        if (type == RolloutStrategyType.Shadow)
        {
            errors.AddIf(request.MirrorPercent is not (>= 1 and <= 100), "strategy.mirrorPercent", "1 to 100");
            errors.AddIf(!TryParseDuration(request.Duration, out var duration), "strategy.duration", DurationRule);
            errors.AddIf(request.Steps is { Count: > 0 }, "strategy.steps", "a shadow has no steps");
            return new RolloutStrategy(type, [], request.MirrorPercent, (int)duration.TotalSeconds);
        }

        errors.AddIf(request.MirrorPercent is not null || request.Duration is not null, "strategy.mirrorPercent", "only a shadow mirrors");
        if (request.Steps is not { Count: > 0 and <= MaxSteps } steps)
        {
            errors.Add("strategy.steps", $"1 to {MaxSteps} steps");
            return null;
        }

        var parsed = new List<RolloutStep>();
        for (var i = 0; i < steps.Count; i++)
        {
            var step = steps[i];
            var previous = i == 0 ? 0 : steps[i - 1]?.Weight ?? 0;
            errors.AddIf(step?.Weight is not (>= 1 and <= 99) || step.Weight <= previous, $"strategy.steps[{i}].weight",
                "1 to 99 percent, above the previous step's");
            errors.AddIf(!TryParseDuration(step?.Pause, out var pause), $"strategy.steps[{i}].pause", DurationRule);
            parsed.Add(new RolloutStep(step?.Weight ?? 0, (int)pause.TotalSeconds));
        }

        return new RolloutStrategy(type, parsed, null, null);
    }

    private static RolloutAnalysis? Analysis(RolloutAnalysisRequest? request, FieldErrors errors)
    {
        if (request is null)
        {
            errors.Add("analysis", "is required: an interval and 1 to 10 gates");
            return null;
        }

        errors.AddIf(!TryParseDuration(request.Interval, out var interval), "analysis.interval", DurationRule);
        errors.AddIf(request.FailureLimit is < 0 or > MaxFailureLimit, "analysis.failureLimit", $"0 to {MaxFailureLimit}");
        if (request.Gates is not { Count: > 0 and <= MaxGates } gates)
        {
            errors.Add("analysis.gates", $"1 to {MaxGates} gates");
            return null;
        }

        for (var i = 0; i < gates.Count; i++)
        {
            Gate(gates[i], $"analysis.gates[{i}]", errors);
        }

        return new RolloutAnalysis((int)interval.TotalSeconds, request.FailureLimit ?? 0, request.Metrics ?? MetricsPreset.OtelHttp, [.. gates],
            request.InconclusiveIsFailure);
    }

    private static void Gate(AnalysisGate? gate, string path, FieldErrors errors)
    {
        switch (gate?.Metric)
        {
            case null:
                errors.Add(path + ".metric", "is required: error-rate, latency-p95, slo-burn-rate, cost-per-1k-inferences or custom");
                break;
            case GateMetric.ErrorRate:
                errors.AddIf(gate.Max is not (>= 0 and <= 1), path + ".max", "the highest error ratio allowed, 0 to 1");
                break;
            case GateMetric.LatencyP95:
                errors.AddIf(gate.MaxSeconds is not (> 0 and <= 3600), path + ".maxSeconds", "the highest 95th percentile allowed, in seconds (up to 3600)");
                break;
            case GateMetric.SloBurnRate:
                errors.AddIf(!ResourceName.IsValid(gate.Slo), path + ".slo", "the name of an SLO of the placement");
                errors.AddIf(gate.Max is not (> 0 and <= 1000), path + ".max", "the highest burn rate allowed (above 0, up to 1000)");
                break;
            case GateMetric.CostPer1kInferences:
                errors.AddIf(gate.MaxIncreasePercent is not (>= 0 and <= 1000), path + ".maxIncreasePercent",
                    "how much more the canary may cost per 1,000 inferences than the stable variant, 0 to 1000 percent");
                break;
            default:
                errors.AddIf(gate.Name is null || gate.Name.Length > 200 || !MetricName().IsMatch(gate.Name), path + ".name",
                    "a Prometheus metric name of the tenant's pods ([a-zA-Z_:][a-zA-Z0-9_:]*, at most 200 characters)");
                errors.AddIf(gate.Aggregation is null, path + ".aggregation", "is required: avg, sum, min or max");
                errors.AddIf(gate.Min is null && gate.Max is null && gate.MinRelativeToStable is null, path,
                    "give min, max and/or minRelativeToStable");
                errors.AddIf(gate.MinRelativeToStable is < 0 or > 1000, path + ".minRelativeToStable", "0 to 1000");
                break;
        }

        var finite = new[] { gate?.Max, gate?.MaxSeconds, gate?.Min, gate?.MinRelativeToStable, gate?.MaxIncreasePercent }.All(v => v is null || double.IsFinite(v.Value));
        errors.AddIf(!finite, path, "limits must be finite numbers");
    }

    [GeneratedRegex(@"^([0-9]{1,6})([smh])$", RegexOptions.CultureInvariant)]
    private static partial Regex DurationPattern();

    [GeneratedRegex(@"^[a-zA-Z_:][a-zA-Z0-9_:]*$", RegexOptions.CultureInvariant)]
    private static partial Regex MetricName();
}
