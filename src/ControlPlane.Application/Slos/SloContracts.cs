using ControlPlane.Domain.Slos;

namespace ControlPlane.Application.Slos;

/// <summary>Declares (or replaces) an SLO on one of the tenant's placements. Tenants never send PromQL: the indicator names a preset.</summary>
/// <param name="Placement">The placement measured (an inference placement of this tenant).</param>
/// <param name="Objective">Percent of good events over the window, above 0 and below 100, e.g. 99.5.</param>
/// <param name="Window">The budget's rolling window: 1h to 90d, e.g. "28d".</param>
/// <param name="Indicator">What is measured.</param>
/// <param name="Remediation">What the control plane does while a condition holds (undone when it stops holding).</param>
public sealed record PutSloRequest(string? Placement, double? Objective, string? Window, SloIndicatorRequest? Indicator,
    IReadOnlyList<RemediationRuleRequest>? Remediation = null);

/// <summary>The indicator of an SLO.</summary>
/// <param name="Kind">availability (non-5xx / all), latency (under thresholdSeconds / all) or cost (5-minute slices under maxCostPer1kInferences / all).</param>
/// <param name="Metrics">The metrics preset (availability and latency): otel-http, vllm or triton.</param>
/// <param name="ThresholdSeconds">Latency: the bucket boundary a good request is served within.</param>
/// <param name="MaxCostPer1kInferences">Cost: the most a 1,000 inferences may cost in a 5-minute slice (price-book currency).</param>
public sealed record SloIndicatorRequest(SloIndicatorKind? Kind, MetricsPreset? Metrics = null, double? ThresholdSeconds = null,
    decimal? MaxCostPer1kInferences = null);

/// <summary>One remediation rule.</summary>
/// <param name="On">fast-burn, slow-burn or budget-exhausted.</param>
/// <param name="Action">scale-to-max, fallback or freeze-rollouts.</param>
/// <param name="Placement">fallback: the placement of the same tenant that takes the shifted traffic.</param>
/// <param name="Weight">fallback: percent of traffic shifted, 1 to 100.</param>
public sealed record RemediationRuleRequest(RemediationTrigger? On, RemediationAction? Action, string? Placement = null, int? Weight = null);

/// <summary>An SLO: its spec and the last evaluation.</summary>
public sealed record SloResponse(Guid Id, string Tenant, string Name, string Placement, double Objective, string Window, SloIndicator Indicator,
    IReadOnlyList<RemediationRule> Remediation, SloStatusResponse Status, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>What the last evaluation found.</summary>
/// <param name="State">healthy, burning, exhausted or no-data.</param>
/// <param name="Reason">Why no-data, when it is.</param>
/// <param name="Sli">Good events ÷ all events over the window.</param>
/// <param name="ErrorBudget">The window's budget as fractions of its events.</param>
/// <param name="BurnRates">Burn rate per window (error ratio ÷ (1 − objective)), keyed by the window.</param>
/// <param name="Alerts">Burn-rate alerts firing (page-1h, page-6h, ticket-1d, ticket-3d).</param>
/// <param name="Remediations">Remediations in force.</param>
/// <param name="RolloutsFrozen">True while freeze-rollouts is in force: new rollouts of the placement are refused with 409.</param>
/// <param name="EvaluatedAt">When it was last evaluated.</param>
public sealed record SloStatusResponse(SloState State, string? Reason, double? Sli, ErrorBudgetResponse? ErrorBudget,
    IReadOnlyDictionary<string, double> BurnRates, IReadOnlyList<string> Alerts, IReadOnlyList<ActiveRemediation> Remediations,
    bool RolloutsFrozen, DateTimeOffset? EvaluatedAt);

/// <summary>The error budget over the SLO's window, as fractions of the window's events.</summary>
/// <param name="Total">What the objective allows to fail: 1 − objective.</param>
/// <param name="Consumed">What failed.</param>
/// <param name="Remaining">Total − consumed; negative when overspent.</param>
public sealed record ErrorBudgetResponse(double Total, double Consumed, double Remaining);

/// <summary>One point of an SLO's history.</summary>
public sealed record SloHistoryPoint(DateTimeOffset At, SloState State, double? Sli, double? BudgetRemaining, IReadOnlyDictionary<string, double> BurnRates);

/// <summary>An SLO's evaluations between from and to, at most one per step.</summary>
public sealed record SloHistoryResponse(string Slo, DateTimeOffset From, DateTimeOffset To, string Step, IReadOnlyList<SloHistoryPoint> Points);
