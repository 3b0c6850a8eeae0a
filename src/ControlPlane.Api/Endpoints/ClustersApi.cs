using ControlPlane.Api.Http;
using ControlPlane.Application.Clusters;
using ControlPlane.Application.Common;
using Microsoft.AspNetCore.Mvc;

namespace ControlPlane.Api.Endpoints;

internal static class ClustersApi
{
    public static void MapClustersApi(this RouteGroupBuilder v1)
    {
        var clusters = v1.MapGroup("/clusters").WithTags("Clusters").RequireAuthorization(Hosting.AuthorizationSetup.OperatorPolicy);

        clusters.MapPost("/", Create).WithIdempotency()
            .WithName("CreateCluster").WithSummary("Register a GPU cluster")
            .WithDescription("Operators only. API server URL with a bearer token (and CA bundle), or a kubeconfig. Credentials are encrypted at rest and never returned.");
        clusters.MapGet("/", List)
            .WithName("ListClusters").WithSummary("List clusters").WithDescription("Operators only. Sorted by name; cursor-paginated.");
        clusters.MapGet("/{cluster}", Get)
            .WithName("GetCluster").WithSummary("Get a cluster").WithDescription("Operators only. Region, dedication, reachability and last capacity sync.");
        clusters.MapPatch("/{cluster}", Update).Refuses(StatusCodes.Status409Conflict)
            .WithName("UpdateCluster").WithSummary("Update a cluster")
            .WithDescription("Operators only. New credentials replace the old ones. Honours If-Match.");
        clusters.MapDelete("/{cluster}", Delete).Refuses(StatusCodes.Status409Conflict)
            .WithName("DeleteCluster").WithSummary("Delete a cluster").WithDescription("Operators only. Refused with 409 while it has node pools.");
        clusters.MapPost("/{cluster}/sync", Sync)
            .WithName("SyncCluster").WithSummary("Sync node-pool capacity from the cluster's Nodes")
            .WithDescription("Operators only. Reads allocatable nvidia.com/gpu and nvidia.com/mig-* of the Nodes carrying each pool's labels.");
    }

    private static async Task<CreatedAt<ClusterResponse>> Create(CreateClusterRequest request, ClusterService clusters, CancellationToken cancellationToken)
    {
        var created = await clusters.CreateAsync(request, cancellationToken);
        return ResourceResults.Created(created, $"/v1/clusters/{created.Value.Name}");
    }

    private static async Task<Ok<Page<ClusterResponse>>> List(ClusterService clusters, CancellationToken cancellationToken,
        int? pageSize = null, string? pageToken = null) =>
        TypedResults.Ok(await clusters.ListAsync(PageRequest.From(pageSize, pageToken), cancellationToken));

    private static async Task<OkWithETag<ClusterResponse>> Get(string cluster, ClusterService clusters, CancellationToken cancellationToken) =>
        ResourceResults.Ok(await clusters.GetAsync(cluster, cancellationToken));

    private static async Task<OkWithETag<ClusterResponse>> Update(string cluster, UpdateClusterRequest request, ClusterService clusters,
        [FromHeader(Name = "If-Match")] string? ifMatch, CancellationToken cancellationToken) =>
        ResourceResults.Ok(await clusters.UpdateAsync(cluster, request, ifMatch, cancellationToken));

    private static async Task<NoContent> Delete(string cluster, ClusterService clusters, [FromHeader(Name = "If-Match")] string? ifMatch,
        CancellationToken cancellationToken)
    {
        await clusters.DeleteAsync(cluster, ifMatch, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<ClusterResponse>> Sync(string cluster, ClusterCapacitySync sync, CancellationToken cancellationToken) =>
        TypedResults.Ok(await sync.SyncAsync(cluster, cancellationToken));
}
