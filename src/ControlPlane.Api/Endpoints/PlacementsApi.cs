using ControlPlane.Api.Http;
using ControlPlane.Application.Common;
using ControlPlane.Application.Placements;
using ControlPlane.Domain.Placements;
using ControlPlane.Domain.Scheduling;
using ControlPlane.Domain.ServiceAccounts;
using Microsoft.AspNetCore.Mvc;

namespace ControlPlane.Api.Endpoints;

internal static class PlacementsApi
{
    public static void MapPlacementsApi(this RouteGroupBuilder v1)
    {
        var placements = v1.MapGroup("/tenants/{tenant}").WithTags("Placements");

        placements.MapPost("/placements", Create).WithIdempotency().AllowTenantRole(ServiceAccountRole.Developer)
            .WithName("CreatePlacement").WithSummary("Admit a GPU placement")
            .WithDescription("Developers and above. One transaction: quota check, explainable scheduling, capacity reservation, outbox. "
                + "409 when not admissible now (quota, capacity), 422 when no pool could ever take it; both list every pool's reason.");
        placements.MapPost("/placements:preview", Preview).Refuses(StatusCodes.Status409Conflict).AllowTenantRole(ServiceAccountRole.Viewer)
            .WithName("PreviewPlacement").WithSummary("Preview an admission")
            .WithDescription("The same quota checks and scheduling decision as a create, without admitting anything.");
        placements.MapGet("/placements", List).AllowTenantRole(ServiceAccountRole.Viewer)
            .WithName("ListPlacements").WithSummary("List placements")
            .WithDescription("Filter by phase and kind (terminated ones only when asked by phase); cursor-paginated.");
        placements.MapGet("/placements/{placement}", Get).AllowTenantRole(ServiceAccountRole.Viewer)
            .WithName("GetPlacement").WithSummary("Get a placement")
            .WithDescription("Spec, where it runs and why (every pool's verdict), what the cluster reports, and each phase transition's time.");
        placements.MapPatch("/placements/{placement}", Update).Refuses(StatusCodes.Status409Conflict, StatusCodes.Status422UnprocessableEntity).AllowTenantRole(ServiceAccountRole.Developer)
            .WithName("UpdatePlacement").WithSummary("Rescale a placement")
            .WithDescription("Changes the replica bounds; growing re-admits only the difference on the same pool. Honours If-Match.");
        placements.MapDelete("/placements/{placement}", Delete).AllowTenantRole(ServiceAccountRole.Developer)
            .WithName("DeletePlacement").WithSummary("Delete a placement")
            .WithDescription("Moves it to terminating; capacity and quota are released once the cluster confirms the objects are gone.");
    }

    private static async Task<CreatedAt<PlacementResponse>> Create(string tenant, CreatePlacementRequest request, PlacementService placements,
        CancellationToken cancellationToken)
    {
        var created = await placements.CreateAsync(tenant, request, cancellationToken);
        return ResourceResults.Created(created, $"/v1/tenants/{tenant}/placements/{created.Value.Name}");
    }

    private static async Task<Ok<PlacementPreviewResponse>> Preview(string tenant, CreatePlacementRequest request, PlacementAdmission admission,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(await admission.PreviewAsync(tenant, request, cancellationToken));

    private static async Task<Ok<Page<PlacementResponse>>> List(string tenant, PlacementService placements, CancellationToken cancellationToken,
        string? phase = null, string? kind = null, int? pageSize = null, string? pageToken = null) =>
        TypedResults.Ok(await placements.ListAsync(tenant, PageRequest.From(pageSize, pageToken),
            KebabCaseQuery.Parse<PlacementPhase>(phase, nameof(phase)), KebabCaseQuery.Parse<PlacementKind>(kind, nameof(kind)), cancellationToken));

    private static async Task<OkWithETag<PlacementResponse>> Get(string tenant, string placement, PlacementService placements,
        CancellationToken cancellationToken) =>
        ResourceResults.Ok(await placements.GetAsync(tenant, placement, cancellationToken));

    private static async Task<OkWithETag<PlacementResponse>> Update(string tenant, string placement, UpdatePlacementRequest request,
        PlacementService placements, [FromHeader(Name = "If-Match")] string? ifMatch, CancellationToken cancellationToken) =>
        ResourceResults.Ok(await placements.RescaleAsync(tenant, placement, request, ifMatch, cancellationToken));

    private static async Task<Accepted<PlacementResponse>> Delete(string tenant, string placement, PlacementService placements,
        [FromHeader(Name = "If-Match")] string? ifMatch, CancellationToken cancellationToken)
    {
        var deleting = await placements.DeleteAsync(tenant, placement, ifMatch, cancellationToken);
        return TypedResults.Accepted($"/v1/tenants/{tenant}/placements/{placement}", deleting.Value);
    }
}
