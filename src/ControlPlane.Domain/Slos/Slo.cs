namespace ControlPlane.Domain.Slos;

/// <summary>What an SLO measures and how.</summary>
/// <param name="Kind">availability, latency or cost.</param>
/// <param name="Metrics">The metrics preset (availability and latency); null for cost.</param>
/// <param name="ThresholdSeconds">Latency: a request is good when served within this (a histogram bucket boundary of the preset).</param>
/// <param name="MaxCostPer1kInferences">Cost: a 5-minute slice is good when its cost per 1,000 inferences stays at or under this.</param>
public sealed record SloIndicator(SloIndicatorKind Kind, MetricsPreset? Metrics, double? ThresholdSeconds, decimal? MaxCostPer1kInferences);

/// <summary>
/// A tenant's service-level objective on one of its placements: the spec (objective, window, indicator, remediation)
/// and the last evaluation's status. Rendered into a PrometheusRule in the tenant's namespace; evaluated by a leased worker.
/// </summary>
public sealed class Slo
{
    private Slo()
    {
    }

    public Guid Id { get; private set; }
    public Guid TenantId { get; private set; }
    public string Tenant { get; private set; } = "";
    public string Name { get; private set; } = "";

    /// <summary>The placement's name (the live placement of that name is the one measured and remediated).</summary>
    public string Placement { get; private set; } = "";

    /// <summary>Percent of good events, e.g. 99.5.</summary>
    public double Objective { get; private set; }

    /// <summary>The window in Prometheus notation ("28d").</summary>
    public string Window { get; private set; } = "";
    public SloIndicator Indicator { get; private set; } = null!;
    public List<RemediationRule> Remediation { get; private set; } = [];

    public SloState State { get; private set; }
    public string? StateReason { get; private set; }
    public double? Sli { get; private set; }

    /// <summary>The window's error budget (<see cref="ErrorBudget"/>), stored as its three fractions.</summary>
    public double? BudgetTotal { get; private set; }
    public double? BudgetConsumed { get; private set; }
    public double? BudgetRemaining { get; private set; }
    public ErrorBudget? Budget => BudgetTotal is { } total ? new ErrorBudget(total, BudgetConsumed ?? 0, BudgetRemaining ?? total) : null;
    public Dictionary<string, double> BurnRates { get; private set; } = [];
    public List<string> FiringAlerts { get; private set; } = [];
    public List<ActiveRemediation> ActiveRemediations { get; private set; } = [];

    /// <summary>When each action last changed (taken or reverted): its cooldown runs from there.</summary>
    public Dictionary<string, DateTimeOffset> LastActionAt { get; private set; } = [];
    public DateTimeOffset? EvaluatedAt { get; private set; }

    /// <summary>The next evaluation is due then; a replica claims the SLO by moving this forward (one evaluation per interval).</summary>
    public DateTimeOffset NextEvaluationAt { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public uint Version { get; private set; }

    public TimeSpan WindowDuration => SloWindow.TryParse(Window, out var window) ? window : throw new InvalidOperationException($"SLO '{Name}' has an invalid window '{Window}'.");

    /// <summary>
    /// True while a freeze-rollouts remediation is in force: new rollouts of the placement are refused with 409 naming
    /// this SLO. A column of its own, so a rollout admission can ask the database for it.
    /// </summary>
    public bool RolloutsFrozen { get; private set; }

    public static Slo Define(Guid tenantId, string tenant, string name, string placement, double objective, string window, SloIndicator indicator,
        IEnumerable<RemediationRule> remediation, DateTimeOffset now)
    {
        var slo = new Slo
        {
            Id = Guid.CreateVersion7(now), TenantId = tenantId, Tenant = tenant, Name = name, CreatedAt = now, State = SloState.NoData,
            StateReason = "not evaluated yet",
        };
        slo.Redefine(placement, objective, window, indicator, remediation, now);
        return slo;
    }

    /// <summary>Replaces the spec; the next evaluation comes at once, since the old status no longer describes it.</summary>
    public void Redefine(string placement, double objective, string window, SloIndicator indicator, IEnumerable<RemediationRule> remediation,
        DateTimeOffset now)
    {
        Placement = placement;
        Objective = objective;
        Window = window;
        Indicator = indicator;
        Remediation = [.. remediation];
        NextEvaluationAt = now;
        UpdatedAt = now;
    }

    /// <summary>Records an evaluation; returns the previous state when the state changed (for the audit trail), else null.</summary>
    public SloState? Assessed(SloAssessment assessment, DateTimeOffset now)
    {
        var previous = State;
        State = assessment.State;
        StateReason = assessment.Reason;
        Sli = assessment.Sli;
        BudgetTotal = assessment.Budget?.Total;
        BudgetConsumed = assessment.Budget?.Consumed;
        BudgetRemaining = assessment.Budget?.Remaining;
        BurnRates = new Dictionary<string, double>(assessment.BurnRates, StringComparer.Ordinal);
        FiringAlerts = [.. assessment.FiringAlerts];
        EvaluatedAt = now;
        return previous == State ? null : previous;
    }

    /// <summary>Whether the action's cooldown since its last change has passed.</summary>
    public bool CooledDown(RemediationAction action, TimeSpan cooldown, DateTimeOffset now) =>
        !LastActionAt.TryGetValue(Key(action), out var last) || now - last >= cooldown;

    public ActiveRemediation? Active(RemediationAction action) => ActiveRemediations.FirstOrDefault(r => r.Action == action);

    public void Took(ActiveRemediation remediation)
    {
        ActiveRemediations = [.. ActiveRemediations.Where(r => r.Action != remediation.Action), remediation];
        RolloutsFrozen = ActiveRemediations.Any(r => r.Action == RemediationAction.FreezeRollouts);
        LastActionAt = new Dictionary<string, DateTimeOffset>(LastActionAt, StringComparer.Ordinal) { [Key(remediation.Action)] = remediation.Since };
    }

    public void Reverted(RemediationAction action, DateTimeOffset now)
    {
        ActiveRemediations = [.. ActiveRemediations.Where(r => r.Action != action)];
        RolloutsFrozen = ActiveRemediations.Any(r => r.Action == RemediationAction.FreezeRollouts);
        LastActionAt = new Dictionary<string, DateTimeOffset>(LastActionAt, StringComparer.Ordinal) { [Key(action)] = now };
    }

    private static string Key(RemediationAction action) => action.ToString();
}
