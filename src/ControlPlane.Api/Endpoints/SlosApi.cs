using ControlPlane.Api.Http;
using ControlPlane.Application.Common;
using ControlPlane.Application.Slos;
using ControlPlane.Domain.ServiceAccounts;
using Microsoft.AspNetCore.Mvc;

namespace ControlPlane.Api.Endpoints;

internal static class SlosApi
{
    private const string OpenSloMediaType = "application/yaml";

    public static void MapSlosApi(this RouteGroupBuilder v1)
    {
        var slos = v1.MapGroup("/tenants/{tenant}/slos").WithTags("SLOs");

        slos.MapPut("/{slo}", Put).AllowTenantRole(ServiceAccountRole.Developer)
            .WithName("PutSlo").WithSummary("Declare or replace an SLO")
            .WithDescription("Developers and above. An objective over a window for one placement; the indicator names a metrics preset "
                + "(never PromQL). The control plane applies a PrometheusRule (recording rules + multi-window multi-burn-rate alerts) "
                + "into the tenant namespace and evaluates the error budget every interval. 201 when created, 200 when replaced; honours If-Match.");
        slos.MapGet("/", List).AllowTenantRole(ServiceAccountRole.Viewer)
            .WithName("ListSlos").WithSummary("List SLOs").WithDescription("Sorted by name; cursor-paginated; each with its status.");
        slos.MapGet("/{slo}", Get).AllowTenantRole(ServiceAccountRole.Viewer)
            .Produces<string>(StatusCodes.Status200OK, OpenSloMediaType)
            .WithName("GetSlo").WithSummary("Get an SLO and its error budget")
            .WithDescription("Status: state (healthy, burning, exhausted, no-data and why), SLI, error budget, burn rate per window, "
                + "alerts firing, remediations in force, whether rollouts are frozen, and when it was evaluated. "
                + "format=openslo returns the SLO as an OpenSLO v1 document (YAML).");
        v1.MapPost("/tenants/{tenant}/slos:import", Import).WithTags("SLOs").AllowTenantRole(ServiceAccountRole.Developer)
            .WithName("ImportSlo").WithSummary("Import an OpenSLO v1 SLO")
            .WithDescription("Developers and above. The body is an OpenSLO v1 kind: SLO document (YAML, any content type), e.g. one exported with format=openslo: "
                + "name, service (the placement), timeWindow, objectives[0].target and the controlplane.io/* annotations that name the indicator. "
                + "Its queries are never used. 201 when created, 200 when it replaced one.");
        slos.MapGet("/{slo}/prometheus-rules", Rules).AllowTenantRole(ServiceAccountRole.Viewer)
            .Produces<string>(StatusCodes.Status200OK, RulesFile.MediaType)
            .WithName("GetSloPrometheusRules").WithSummary("The SLO's Prometheus rules file")
            .WithDescription("The same groups as the PrometheusRule in the tenant namespace, as a plain rules file (promtool check rules accepts it).");
        slos.MapGet("/{slo}/history", History).AllowTenantRole(ServiceAccountRole.Viewer)
            .WithName("GetSloHistory").WithSummary("An SLO's evaluations over time")
            .WithDescription("From from (default: a day before to) to to (default: now), the last evaluation of each step (default 5m): state, SLI, budget left, burn rates.");
        slos.MapDelete("/{slo}", Delete).AllowTenantRole(ServiceAccountRole.Developer)
            .WithName("DeleteSlo").WithSummary("Delete an SLO")
            .WithDescription("Developers and above. Its PrometheusRule is removed from the tenant namespace. Honours If-Match.");
    }

    private static async Task<Results<CreatedAt<SloResponse>, OkWithETag<SloResponse>>> Put(string tenant, string slo, PutSloRequest request,
        SloService slos, [FromHeader(Name = "If-Match")] string? ifMatch, CancellationToken cancellationToken)
    {
        var (stored, created) = await slos.PutAsync(tenant, slo, request, ifMatch, cancellationToken);
        return created ? ResourceResults.Created(stored, $"/v1/tenants/{tenant}/slos/{slo}") : ResourceResults.Ok(stored);
    }

    private static async Task<Ok<Page<SloResponse>>> List(string tenant, SloService slos, CancellationToken cancellationToken,
        int? pageSize = null, string? pageToken = null) =>
        TypedResults.Ok(await slos.ListAsync(tenant, PageRequest.From(pageSize, pageToken), cancellationToken));

    private static async Task<Results<OkWithETag<SloResponse>, ContentHttpResult>> Get(string tenant, string slo, SloService slos,
        CancellationToken cancellationToken, string? format = null) => format switch
    {
        null => ResourceResults.Ok(await slos.GetAsync(tenant, slo, cancellationToken)),
        "openslo" => TypedResults.Text(await slos.OpenSloAsync(tenant, slo, cancellationToken), OpenSloMediaType),
        _ => throw new ValidationFailedException(new Dictionary<string, string[]> { ["format"] = ["openslo, or none for JSON"] }),
    };

    private static async Task<Results<CreatedAt<SloResponse>, OkWithETag<SloResponse>>> Import(string tenant, HttpRequest request, SloService slos,
        CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(request.Body);
        var (stored, created) = await slos.ImportAsync(tenant, await reader.ReadToEndAsync(cancellationToken), cancellationToken);
        return created ? ResourceResults.Created(stored, $"/v1/tenants/{tenant}/slos/{stored.Value.Name}") : ResourceResults.Ok(stored);
    }

    private static async Task<ContentHttpResult> Rules(string tenant, string slo, SloService slos, CancellationToken cancellationToken) =>
        TypedResults.Text(await slos.RulesFileAsync(tenant, slo, cancellationToken), RulesFile.MediaType);

    private static async Task<Ok<SloHistoryResponse>> History(string tenant, string slo, SloService slos, CancellationToken cancellationToken,
        DateTimeOffset? from = null, DateTimeOffset? to = null, string? step = null) =>
        TypedResults.Ok(await slos.HistoryAsync(tenant, slo, from, to, step, cancellationToken));

    private static async Task<NoContent> Delete(string tenant, string slo, SloService slos, [FromHeader(Name = "If-Match")] string? ifMatch,
        CancellationToken cancellationToken)
    {
        await slos.DeleteAsync(tenant, slo, ifMatch, cancellationToken);
        return TypedResults.NoContent();
    }
}
