using ControlPlane.Api.Http;
using ControlPlane.Application.Clusters;
using ControlPlane.Application.Common;
using Microsoft.AspNetCore.Mvc;

namespace ControlPlane.Api.Endpoints;

internal static class NodePoolsApi
{
    public static void MapNodePoolsApi(this RouteGroupBuilder v1)
    {
        var pools = v1.MapGroup("/clusters/{cluster}/node-pools").WithTags("Node pools").RequireAuthorization(Hosting.AuthorizationSetup.OperatorPolicy);

        pools.MapPost("/", Create).WithIdempotency()
            .WithName("CreateNodePool").WithSummary("Create a node pool")
            .WithDescription("Operators only. GPU model, nodes, MIG layout, capacity type, purposes, taints, labels (nodeSelector), sandbox runtimes, price.");
        pools.MapGet("/", List)
            .WithName("ListNodePools").WithSummary("List a cluster's node pools").WithDescription("Operators only. With capacity and reservations.");
        pools.MapGet("/{pool}", Get)
            .WithName("GetNodePool").WithSummary("Get a node pool").WithDescription("Operators only. With capacity and reservations.");
        pools.MapPatch("/{pool}", Update).Refuses(StatusCodes.Status409Conflict)
            .WithName("UpdateNodePool").WithSummary("Update a node pool")
            .WithDescription("Operators only. Capacity cannot shrink below what placements hold (409). Honours If-Match.");
        pools.MapDelete("/{pool}", Delete).Refuses(StatusCodes.Status409Conflict)
            .WithName("DeleteNodePool").WithSummary("Delete a node pool").WithDescription("Operators only. Refused with 409 while placements use it.");
    }

    private static async Task<CreatedAt<NodePoolResponse>> Create(string cluster, CreateNodePoolRequest request, NodePoolService pools,
        CancellationToken cancellationToken)
    {
        var created = await pools.CreateAsync(cluster, request, cancellationToken);
        return ResourceResults.Created(created, $"/v1/clusters/{cluster}/node-pools/{created.Value.Name}");
    }

    private static async Task<Ok<Page<NodePoolResponse>>> List(string cluster, NodePoolService pools, CancellationToken cancellationToken,
        int? pageSize = null, string? pageToken = null) =>
        TypedResults.Ok(await pools.ListAsync(cluster, PageRequest.From(pageSize, pageToken), cancellationToken));

    private static async Task<OkWithETag<NodePoolResponse>> Get(string cluster, string pool, NodePoolService pools, CancellationToken cancellationToken) =>
        ResourceResults.Ok(await pools.GetAsync(cluster, pool, cancellationToken));

    private static async Task<OkWithETag<NodePoolResponse>> Update(string cluster, string pool, UpdateNodePoolRequest request, NodePoolService pools,
        [FromHeader(Name = "If-Match")] string? ifMatch, CancellationToken cancellationToken) =>
        ResourceResults.Ok(await pools.UpdateAsync(cluster, pool, request, ifMatch, cancellationToken));

    private static async Task<NoContent> Delete(string cluster, string pool, NodePoolService pools, [FromHeader(Name = "If-Match")] string? ifMatch,
        CancellationToken cancellationToken)
    {
        await pools.DeleteAsync(cluster, pool, ifMatch, cancellationToken);
        return TypedResults.NoContent();
    }
}
