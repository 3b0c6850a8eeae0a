using ControlPlane.Api.Http;
using ControlPlane.Application.Common;
using ControlPlane.Application.Tenants;
using ControlPlane.Domain.ServiceAccounts;
using ControlPlane.Domain.Tenants;
using Microsoft.AspNetCore.Mvc;

namespace ControlPlane.Api.Endpoints;

internal static class TenantsApi
{
    public static void MapTenantsApi(this RouteGroupBuilder v1)
    {
        var tenants = v1.MapGroup("/tenants").WithTags("Tenants");

        tenants.MapPost("/", Create).WithIdempotency().RequireAuthorization(Hosting.AuthorizationSetup.OperatorPolicy)
            .WithName("CreateTenant").WithSummary("Create a tenant")
            .WithDescription("Operators only. The name is a DNS-1123 label used in paths and as the Kubernetes namespace suffix.");
        tenants.MapGet("/", List).RequireAuthorization(Hosting.AuthorizationSetup.OperatorPolicy)
            .WithName("ListTenants").WithSummary("List tenants")
            .WithDescription("Operators only. Sorted by name; cursor-paginated with pageSize and pageToken.");
        tenants.MapGet("/{tenant}", Get).AllowTenantRole(ServiceAccountRole.Viewer)
            .WithName("GetTenant").WithSummary("Get a tenant")
            .WithDescription("Operators, and any principal of the tenant itself. Returns an ETag for If-Match.");
        tenants.MapPatch("/{tenant}", Update).OperatorOnly()
            .WithName("UpdateTenant").WithSummary("Update a tenant")
            .WithDescription("Operators only. Absent fields stay unchanged. Send If-Match with the ETag you read; a stale one gets 412.");
        tenants.MapPost("/{tenant}:suspend", Suspend).Refuses(StatusCodes.Status409Conflict).OperatorOnly()
            .WithName("SuspendTenant").WithSummary("Suspend a tenant")
            .WithDescription("Operators only. A suspended tenant can read but not create; tokens issued to its principals before "
                + "the suspension are refused within seconds (new tokens work, read-only).");
        tenants.MapPost("/{tenant}:resume", Resume).Refuses(StatusCodes.Status409Conflict).OperatorOnly()
            .WithName("ResumeTenant").WithSummary("Resume a suspended tenant")
            .WithDescription("Operators only. The tenant becomes active again.");
        tenants.MapDelete("/{tenant}", Delete).Refuses(StatusCodes.Status409Conflict).OperatorOnly()
            .WithName("DeleteTenant").WithSummary("Delete a tenant")
            .WithDescription("Operators only. Refused with 409 while the tenant still holds resources; its service accounts are deleted with it and their "
                + "live tokens are refused within seconds.");
    }

    private static async Task<CreatedAt<TenantResponse>> Create(CreateTenantRequest request, TenantService tenants, CancellationToken cancellationToken)
    {
        var created = await tenants.CreateAsync(request, cancellationToken);
        return ResourceResults.Created(created, $"/v1/tenants/{created.Value.Name}");
    }

    private static async Task<Ok<Page<TenantResponse>>> List(TenantService tenants, CancellationToken cancellationToken,
        int? pageSize = null, string? pageToken = null, string? state = null) =>
        TypedResults.Ok(await tenants.ListAsync(PageRequest.From(pageSize, pageToken), KebabCaseQuery.Parse<TenantState>(state, nameof(state)), cancellationToken));

    private static async Task<OkWithETag<TenantResponse>> Get(string tenant, TenantQueries tenants, CancellationToken cancellationToken) =>
        ResourceResults.Ok(await tenants.GetAsync(tenant, cancellationToken));

    private static async Task<OkWithETag<TenantResponse>> Update(string tenant, UpdateTenantRequest request, TenantService tenants,
        [FromHeader(Name = "If-Match")] string? ifMatch, CancellationToken cancellationToken) =>
        ResourceResults.Ok(await tenants.UpdateAsync(tenant, request, ifMatch, cancellationToken));

    private static async Task<OkWithETag<TenantResponse>> Suspend(string tenant, TenantService tenants,
        [FromHeader(Name = "If-Match")] string? ifMatch, CancellationToken cancellationToken) =>
        ResourceResults.Ok(await tenants.SuspendAsync(tenant, ifMatch, cancellationToken));

    private static async Task<OkWithETag<TenantResponse>> Resume(string tenant, TenantService tenants,
        [FromHeader(Name = "If-Match")] string? ifMatch, CancellationToken cancellationToken) =>
        ResourceResults.Ok(await tenants.ResumeAsync(tenant, ifMatch, cancellationToken));

    private static async Task<NoContent> Delete(string tenant, TenantService tenants,
        [FromHeader(Name = "If-Match")] string? ifMatch, CancellationToken cancellationToken)
    {
        await tenants.DeleteAsync(tenant, ifMatch, cancellationToken);
        return TypedResults.NoContent();
    }
}
