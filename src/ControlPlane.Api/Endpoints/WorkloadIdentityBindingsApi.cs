using ControlPlane.Api.Http;
using ControlPlane.Application.Common;
using ControlPlane.Application.ServiceAccounts;
using ControlPlane.Domain.ServiceAccounts;

namespace ControlPlane.Api.Endpoints;

internal static class WorkloadIdentityBindingsApi
{
    public static void MapWorkloadIdentityBindingsApi(this RouteGroupBuilder v1)
    {
        var bindings = v1.MapGroup("/tenants/{tenant}/service-accounts/{serviceAccount}/workload-identity-bindings").WithTags("Service accounts")
            .AllowTenantRole(ServiceAccountRole.TenantAdmin);

        bindings.MapPost("/", Create).WithIdempotency().Refuses(StatusCodes.Status409Conflict)
            .WithName("CreateWorkloadIdentityBinding").WithSummary("Bind a Kubernetes service account to this service account")
            .WithDescription("Tenant admins and operators. Pods of the tenant's namespace (t-<tenant>) on the cluster running as the Kubernetes "
                + "service account exchange their projected token (audience controlplane) at /connect/token with audience=controlplane-api "
                + "(RFC 8693) for an API token with this service account's role. Another tenant's namespace is refused; a Kubernetes service "
                + "account is bound at most once (409).");
        bindings.MapGet("/", List)
            .WithName("ListWorkloadIdentityBindings").WithSummary("List a service account's workload identity bindings")
            .WithDescription("Sorted by name; cursor-paginated.");
        bindings.MapDelete("/{binding}", Delete)
            .WithName("DeleteWorkloadIdentityBinding").WithSummary("Delete a workload identity binding")
            .WithDescription("Further exchanges by the workload are refused at once; API tokens already issued expire within their lifetime "
                + "(deleting the service account revokes them within seconds).");
    }

    private static async Task<CreatedAt<WorkloadIdentityBindingResponse>> Create(string tenant, string serviceAccount, CreateWorkloadIdentityBindingRequest request,
        WorkloadIdentityBindingService bindings, CancellationToken cancellationToken)
    {
        var created = await bindings.CreateAsync(tenant, serviceAccount, request, cancellationToken);
        return new(created, $"/v1/tenants/{tenant}/service-accounts/{serviceAccount}/workload-identity-bindings/{created.Name}");
    }

    private static async Task<Ok<Page<WorkloadIdentityBindingResponse>>> List(string tenant, string serviceAccount, WorkloadIdentityBindingService bindings,
        CancellationToken cancellationToken, int? pageSize = null, string? pageToken = null) =>
        TypedResults.Ok(await bindings.ListAsync(tenant, serviceAccount, PageRequest.From(pageSize, pageToken), cancellationToken));

    private static async Task<NoContent> Delete(string tenant, string serviceAccount, string binding, WorkloadIdentityBindingService bindings,
        CancellationToken cancellationToken)
    {
        await bindings.DeleteAsync(tenant, serviceAccount, binding, cancellationToken);
        return TypedResults.NoContent();
    }
}
