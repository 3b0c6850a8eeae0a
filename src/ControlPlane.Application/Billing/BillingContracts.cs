using System.Text.Json;

namespace ControlPlane.Application.Billing;

/// <summary>A new version of the price book (operators).</summary>
/// <param name="Currency">ISO 4217 code; every version uses the same one.</param>
/// <param name="EffectiveFrom">When it takes effect: on a whole hour, not in the past (only the first version may be backdated), after the latest version and after every closed month.</param>
/// <param name="Prices">The complete price list of this version.</param>
public sealed record PutPriceBookRequest(string? Currency, DateTimeOffset? EffectiveFrom, IReadOnlyList<PriceRequest>? Prices);

/// <summary>A unit price.</summary>
/// <param name="Meter">gpu-seconds, tokens-in, tokens-out, inferences, storage-byte-hours or egress-bytes.</param>
/// <param name="Dimensions">Usage matches when it carries all of these; the most specific match wins (most dimensions, then first listed).</param>
/// <param name="UnitPrice">Price of one unit of the meter: an exact decimal from 0 to below 10^6 with at most 18 decimals.</param>
public sealed record PriceRequest(string? Meter, Dictionary<string, string>? Dimensions, decimal? UnitPrice);

/// <summary>One price-book version.</summary>
/// <param name="Version">1, 2, … in order of effectiveFrom.</param>
/// <param name="EffectiveUntil">When the next version takes over; null for the latest.</param>
public sealed record PriceBookResponse(int Version, string Currency, DateTimeOffset EffectiveFrom, DateTimeOffset? EffectiveUntil,
    IReadOnlyList<PriceView> Prices, DateTimeOffset CreatedAt, string CreatedBy);

/// <summary>A unit price of a meter for usage with these dimensions.</summary>
public sealed record PriceView(string Meter, IReadOnlyDictionary<string, string> Dimensions, decimal UnitPrice, string Unit);

/// <summary>Every price-book version, oldest first.</summary>
public sealed record PriceBookHistoryResponse(IReadOnlyList<PriceBookResponse> Items);

/// <summary>A batch of usage events.</summary>
/// <param name="Tenant">Operators only: whose usage this is. Tenant principals post for their own tenant.</param>
/// <param name="Events">1 to 1,000 CloudEvents-shaped events.</param>
public sealed record UsageBatchRequest(string? Tenant, IReadOnlyList<UsageEventRequest>? Events);

/// <summary>One usage event (CloudEvents attributes).</summary>
/// <param name="Id">Unique per source: a re-sent event with the same (tenant, source, id) is acknowledged and not counted again.</param>
/// <param name="Source">Who measured it, e.g. serving/eu-1.</param>
/// <param name="Type">The meter.</param>
/// <param name="Subject">The tenant's placement the usage belongs to (optional).</param>
/// <param name="Time">When it happened (RFC 3339): not before the tenant was created (less Billing:MaxFutureSkew) nor before 2000-01-01.</param>
/// <param name="Data">The quantity and dimensions.</param>
public sealed record UsageEventRequest(string? Id, string? Source, string? Type, string? Subject, string? Time, UsageEventData? Data);

/// <summary>What was used.</summary>
/// <param name="Quantity">A number in the meter's unit from 0 to below 10^15 with at most 6 decimals (anything else is refused, never rounded).</param>
/// <param name="Dimensions">e.g. {"model": "llm"}; prices and cost reports use them.</param>
public sealed record UsageEventData(JsonElement Quantity, Dictionary<string, string>? Dimensions);

/// <summary>What happened to a batch.</summary>
/// <param name="Accepted">New events stored.</param>
/// <param name="Duplicates">Events stored before (or twice in this batch): acknowledged, not counted again.</param>
/// <param name="Errors">Events refused, each with why; the others were stored.</param>
public sealed record UsageBatchResponse(int Accepted, int Duplicates, IReadOnlyList<UsageEventError> Errors);

/// <summary>A refused event.</summary>
/// <param name="Index">Its position in the batch (0-based).</param>
public sealed record UsageEventError(int Index, string? Id, string? Type, string Detail);

/// <summary>Costs of a period, grouped.</summary>
/// <param name="From">Start of the period (floored to the hour).</param>
/// <param name="To">End of the period (exclusive, raised to the hour).</param>
/// <param name="Total">All usage of the period priced, at full precision (not rounded: only statements are).</param>
public sealed record CostsResponse(string Currency, DateTimeOffset From, DateTimeOffset To, string GroupBy, decimal Total,
    IReadOnlyList<CostGroup> Groups);

/// <summary>One group of costs.</summary>
/// <param name="Key">The day (yyyy-MM-dd), meter, placement, model, GPU model or tenant; "(none)" for usage without it.</param>
/// <param name="Amount">Priced usage of the group, at full precision (30 inferences at 0.0001 are 0.003).</param>
/// <param name="Quantities">Quantity per meter.</param>
public sealed record CostGroup(string Key, decimal Amount, IReadOnlyDictionary<string, decimal> Quantities);

/// <summary>Cost per 1,000 inferences, per placement and per model.</summary>
public sealed record UnitEconomicsResponse(string Currency, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<UnitCost> Placements,
    IReadOnlyList<UnitCost> Models);

/// <summary>What a placement (or model) cost and how many inferences it served.</summary>
/// <param name="Cost">All usage attributed to it (the placement as subject, or the model dimension), at full precision.</param>
/// <param name="CostPer1kInferences">Cost × 1,000 ÷ inferences (a decimal quotient, up to 28 significant digits); null without inferences.</param>
public sealed record UnitCost(string Key, decimal Cost, decimal Inferences, decimal? CostPer1kInferences);

/// <summary>A month's statement.</summary>
/// <param name="Month">yyyy-MM.</param>
/// <param name="Status">open (a live estimate that still changes) or closed (stored, immutable).</param>
public sealed record StatementResponse(string Tenant, string Month, string Status, string Currency, DateTimeOffset BillingPeriodStart,
    DateTimeOffset BillingPeriodEnd, decimal Total, IReadOnlyList<StatementLineView> Lines, DateTimeOffset? ClosedAt);

/// <summary>One line: a meter with a dimension set, for the period one price was in force.</summary>
/// <param name="Listed">False when no price matched (charged at zero).</param>
public sealed record StatementLineView(string Meter, IReadOnlyDictionary<string, string> Dimensions, int PriceBookVersion,
    DateTimeOffset PeriodStart, DateTimeOffset PeriodEnd, decimal Quantity, string Unit, decimal UnitPrice, decimal Amount, bool Listed);

/// <summary>The months of a tenant, newest first.</summary>
public sealed record StatementListResponse(string Tenant, IReadOnlyList<StatementSummary> Items);

/// <summary>A month's status and total.</summary>
public sealed record StatementSummary(string Month, string Status, string Currency, decimal Total);

/// <summary>A statement recomputed from the raw events and the prices in force, compared with what is stored or shown.</summary>
/// <param name="Matches">True when every line and the total are equal to the cent.</param>
public sealed record StatementVerification(string Month, string Status, decimal Total, decimal RecomputedTotal, bool Matches,
    long RawEvents, IReadOnlyList<StatementLineView> RecomputedLines);

/// <summary>Sets a tenant's monthly budget.</summary>
/// <param name="MonthlyAmount">In the price book's currency, &gt; 0 and below 10^15, at most 2 decimals.</param>
/// <param name="AlertThresholds">Percentages (1–1000) whose crossing is recorded once per month as an audit event and metric.</param>
/// <param name="HardCap">Required: refuse admissions whose estimated cost would take the month's spend over the budget.</param>
public sealed record PutBudgetRequest(decimal? MonthlyAmount, IReadOnlyList<int>? AlertThresholds, bool? HardCap);

/// <summary>A tenant's budget and how much of it this month used.</summary>
/// <param name="OperatorOwned">A hard cap a platform operator set: the tenant's admins may change its alert thresholds or lower it, not raise, remove or delete it.</param>
public sealed record BudgetResponse(string Tenant, decimal MonthlyAmount, IReadOnlyList<int> AlertThresholds, bool HardCap, bool OperatorOwned,
    string Currency,
    decimal MonthToDateSpend, decimal Percentage, IReadOnlyList<int> ThresholdsCrossed, DateTimeOffset UpdatedAt);
