using ControlPlane.Api.Hosting;
using ControlPlane.Api.Http;
using ControlPlane.Application.Billing;
using ControlPlane.Application.Common;
using ControlPlane.Domain.ServiceAccounts;
using Microsoft.AspNetCore.Mvc;

namespace ControlPlane.Api.Endpoints;

internal static class BillingApi
{
    public static void MapBillingApi(this RouteGroupBuilder v1)
    {
        var prices = v1.MapGroup("/price-book").WithTags("Billing");
        prices.MapPut("/", PutPriceBook).Refuses(StatusCodes.Status409Conflict).RequireAuthorization(AuthorizationSetup.OperatorPolicy)
            .WithName("PutPriceBook").WithSummary("Publish a new price-book version")
            .WithDescription("Operators only. Appends an immutable version effective from a whole hour that is not in the past (only the first "
                + "version may be backdated) and after every closed month: a price change never rewrites the past. One currency for all versions. "
                + "A usage is priced by the version in force at its hour; within it the matching price with the most dimensions wins, then the first listed.");
        prices.MapGet("/", GetPriceBook).Refuses(StatusCodes.Status404NotFound)
            .WithName("GetPriceBook").WithSummary("Get the price book in force")
            .WithDescription("The version in force now, or at ?at=<RFC 3339 time>.");
        prices.MapGet("/versions", PriceBookHistory)
            .WithName("ListPriceBookVersions").WithSummary("List every price-book version")
            .WithDescription("Oldest first, each with the time the next one took over.");

        v1.MapPost("/usage-events:batch", Ingest).Refuses(StatusCodes.Status404NotFound, StatusCodes.Status413PayloadTooLarge).WithTags("Billing").RequireAuthorization(AuthorizationSetup.UsageWriterPolicy)
            .WithName("IngestUsageEvents").WithSummary("Post a batch of usage events")
            .WithDescription($"Up to {BillingOptions.MaxBatchSize} CloudEvents-shaped events (more: 413). Tenant service accounts (developer or above) "
                + "post for their own tenant; operators name the tenant. Idempotent by (tenant, source, id): a re-sent event counts as a duplicate, "
                + "never twice. Invalid events are reported one by one; the valid ones are stored.");

        v1.MapGet("/costs", AllCosts).WithTags("Billing").RequireAuthorization(AuthorizationSetup.OperatorPolicy)
            .WithName("GetCostsAcrossTenants").WithSummary("Costs across tenants")
            .WithDescription("Operators only. groupBy=tenant (default day), meter, placement, model or gpuModel.");

        var tenant = v1.MapGroup("/tenants/{tenant}").WithTags("Billing");
        tenant.MapGet("/costs", Costs).AllowTenantRole(ServiceAccountRole.Viewer)
            .WithName("GetCosts").WithSummary("A tenant's costs")
            .WithDescription("Usage in [from, to) (default: this month so far, widened to whole hours) priced with the prices in force at each "
                + "usage's hour, grouped by day (default), meter, placement, model or gpuModel.");
        tenant.MapGet("/costs/unit-economics", UnitEconomics).AllowTenantRole(ServiceAccountRole.Viewer)
            .WithName("GetUnitEconomics").WithSummary("Cost per 1,000 inferences")
            .WithDescription("Per placement (usage whose subject is the placement) and per model (usage with the model dimension): cost, "
                + "inferences and cost per 1,000 inferences.");
        tenant.MapGet("/statements", Statements).AllowTenantRole(ServiceAccountRole.Viewer)
            .WithName("ListStatements").WithSummary("List a tenant's monthly statements")
            .WithDescription("Closed months (stored, immutable) and open ones (live estimates), newest first.");
        tenant.MapGet("/statements/{month}", Statement).AllowTenantRole(ServiceAccountRole.Viewer)
            .WithName("GetStatement").WithSummary("Get a monthly statement")
            .WithDescription("month is yyyy-MM. Line items per meter × dimensions × price period. ?format=focus-csv answers FinOps FOCUS 1.1 CSV.")
            .Produces<string>(StatusCodes.Status200OK, FocusExport.ContentType);
        tenant.MapPost("/statements/{month}:close", Close).Refuses(StatusCodes.Status409Conflict).OperatorOnly()
            .WithName("CloseStatement").WithSummary("Close a month")
            .WithDescription("Operators only. Recomputes the ended month from the raw events and stores it; it never changes again and later "
                + "events in it are refused. Months also close by themselves after Billing:StatementGracePeriod.");
        tenant.MapPost("/statements/{month}:verify", Verify).Refuses(StatusCodes.Status409Conflict).AllowTenantRole(ServiceAccountRole.Viewer)
            .WithName("VerifyStatement").WithSummary("Recompute a statement from the raw events")
            .WithDescription("Recomputes the month from every raw usage event and the prices in force, and compares it line by line with the "
                + "stored (closed) or live (open) statement.");
        tenant.MapGet("/budget", GetBudget).AllowTenantRole(ServiceAccountRole.Viewer)
            .WithName("GetBudget").WithSummary("Get the tenant's budget")
            .WithDescription("With this month's spend and the thresholds crossed so far.");
        tenant.MapPut("/budget", PutBudget).AllowTenantRole(ServiceAccountRole.TenantAdmin)
            .WithName("PutBudget").WithSummary("Set the tenant's budget")
            .WithDescription("Tenant admins and operators. Honours If-Match. With hardCap, admissions whose cost estimate (GPU price × GPUs × "
                + "Billing:AdmissionCostHorizon) would take the month's spend over the budget are refused (409 budget-exceeded). A hard cap "
                + "set by an operator is operator-owned: tenant admins may change its alertThresholds or lower it; raising it or removing "
                + "the hard cap is 403 budget-operator-owned.");
        tenant.MapDelete("/budget", DeleteBudget).AllowTenantRole(ServiceAccountRole.TenantAdmin)
            .WithName("DeleteBudget").WithSummary("Remove the tenant's budget")
            .WithDescription("Tenant admins and operators. Honours If-Match. An operator-owned hard cap can be removed only by an operator "
                + "(403 budget-operator-owned).");
    }

    private static async Task<Ok<PriceBookResponse>> PutPriceBook(PutPriceBookRequest request, PriceBookService prices,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(await prices.PutAsync(request, cancellationToken));

    private static async Task<Ok<PriceBookResponse>> GetPriceBook(PriceBookService prices, CancellationToken cancellationToken,
        DateTimeOffset? at = null) =>
        TypedResults.Ok(await prices.GetAsync(at, cancellationToken));

    private static async Task<Ok<PriceBookHistoryResponse>> PriceBookHistory(PriceBookService prices, CancellationToken cancellationToken) =>
        TypedResults.Ok(await prices.HistoryAsync(cancellationToken));

    private static async Task<Ok<UsageBatchResponse>> Ingest(UsageBatchRequest request, UsageIngestion ingestion, CancellationToken cancellationToken)
    {
        if (request.Events is { Count: > BillingOptions.MaxBatchSize } events)
        {
            throw new BadHttpRequestException(
                $"A batch holds at most {BillingOptions.MaxBatchSize} events; this one has {events.Count}. Split it.", StatusCodes.Status413PayloadTooLarge);
        }

        if (request.Events is null or { Count: 0 })
        {
            throw new ValidationFailedException(new Dictionary<string, string[]> { ["events"] = ["must hold at least one event"] });
        }

        return TypedResults.Ok(await ingestion.IngestAsync(request, cancellationToken));
    }

    private static async Task<Ok<CostsResponse>> AllCosts(CostService costs, CancellationToken cancellationToken, DateTimeOffset? from = null,
        DateTimeOffset? to = null, string? groupBy = null) =>
        TypedResults.Ok(await costs.AllCostsAsync(from, to, groupBy ?? "tenant", cancellationToken));

    private static async Task<Ok<CostsResponse>> Costs(string tenant, CostService costs, CancellationToken cancellationToken,
        DateTimeOffset? from = null, DateTimeOffset? to = null, string? groupBy = null) =>
        TypedResults.Ok(await costs.TenantCostsAsync(tenant, from, to, groupBy, cancellationToken));

    private static async Task<Ok<UnitEconomicsResponse>> UnitEconomics(string tenant, CostService costs, CancellationToken cancellationToken,
        DateTimeOffset? from = null, DateTimeOffset? to = null) =>
        TypedResults.Ok(await costs.UnitEconomicsAsync(tenant, from, to, cancellationToken));

    private static async Task<Ok<StatementListResponse>> Statements(string tenant, StatementService statements, CancellationToken cancellationToken) =>
        TypedResults.Ok(await statements.ListAsync(tenant, cancellationToken));

    private static async Task<Results<Ok<StatementResponse>, ContentHttpResult>> Statement(string tenant, string month, StatementService statements,
        CancellationToken cancellationToken, string? format = null) =>
        format switch
        {
            null or "json" => TypedResults.Ok(await statements.GetAsync(tenant, month, cancellationToken)),
            "focus-csv" => TypedResults.Text(await statements.FocusCsvAsync(tenant, month, cancellationToken), FocusExport.ContentType),
            _ => throw new ValidationFailedException(new Dictionary<string, string[]> { ["format"] = ["one of: json, focus-csv"] }),
        };

    private static async Task<Ok<StatementResponse>> Close(string tenant, string month, StatementService statements,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(await statements.CloseAsync(tenant, month, cancellationToken));

    private static async Task<Ok<StatementVerification>> Verify(string tenant, string month, StatementService statements,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(await statements.VerifyAsync(tenant, month, cancellationToken));

    private static async Task<OkWithETag<BudgetResponse>> GetBudget(string tenant, BudgetService budgets, CancellationToken cancellationToken) =>
        ResourceResults.Ok(await budgets.GetAsync(tenant, cancellationToken));

    private static async Task<OkWithETag<BudgetResponse>> PutBudget(string tenant, PutBudgetRequest request, BudgetService budgets,
        [FromHeader(Name = "If-Match")] string? ifMatch, CancellationToken cancellationToken) =>
        ResourceResults.Ok(await budgets.PutAsync(tenant, request, ifMatch, cancellationToken));

    private static async Task<NoContent> DeleteBudget(string tenant, BudgetService budgets, [FromHeader(Name = "If-Match")] string? ifMatch,
        CancellationToken cancellationToken)
    {
        await budgets.DeleteAsync(tenant, ifMatch, cancellationToken);
        return TypedResults.NoContent();
    }
}
