namespace ControlPlane.Application.Billing;

/// <summary>Usage ingestion, statements and admission-time spend checks ("Billing" section).</summary>
public sealed class BillingOptions
{
    public const string Section = "Billing";

    /// <summary>Events per ingestion request; more is refused with 413.</summary>
    public const int MaxBatchSize = 1000;

    /// <summary>How far in the future an event's time may be (clock skew of the sender).</summary>
    public TimeSpan MaxFutureSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a new placement is assumed to run when its cost is estimated against budgets and spend quotas.</summary>
    public TimeSpan AdmissionCostHorizon { get; set; } = TimeSpan.FromHours(1);

    /// <summary>A month is closed automatically this long after it ended (late usage is accepted until then).</summary>
    public TimeSpan StatementGracePeriod { get; set; } = TimeSpan.FromDays(3);
}

/// <summary>The system metering worker ("Metering" section).</summary>
public sealed class MeteringOptions
{
    public const string Section = "Metering";

    /// <summary>Run the worker in this replica (any number of replicas may: a watermark row lock elects one per meter).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often GPU-seconds and storage are accrued, budgets checked and due months closed.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);
}
