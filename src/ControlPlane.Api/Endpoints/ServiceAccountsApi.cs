using System.ComponentModel;
using ControlPlane.Api.Http;
using ControlPlane.Application.Common;
using ControlPlane.Application.ServiceAccounts;
using ControlPlane.Domain.ServiceAccounts;
using Microsoft.AspNetCore.Mvc;

namespace ControlPlane.Api.Endpoints;

internal static class ServiceAccountsApi
{
    public static void MapServiceAccountsApi(this RouteGroupBuilder v1)
    {
        var accounts = v1.MapGroup("/tenants/{tenant}/service-accounts").WithTags("Service accounts")
            .AllowTenantRole(ServiceAccountRole.TenantAdmin);

        accounts.MapPost("/", Create).WithIdempotency()
            .WithName("CreateServiceAccount").WithSummary("Create a service account")
            .WithDescription("Tenant admins and operators. The response holds the client secret: it is shown only once and stored hashed.");
        accounts.MapGet("/", List)
            .WithName("ListServiceAccounts").WithSummary("List service accounts")
            .WithDescription("Sorted by name; cursor-paginated. Secrets are never returned.");
        accounts.MapGet("/{serviceAccount}", Get)
            .WithName("GetServiceAccount").WithSummary("Get a service account")
            .WithDescription("The account's client id, role and when its secret was last rotated.");
        accounts.MapPost("/{serviceAccount}:rotate-secret", Rotate)
            .WithName("RotateServiceAccountSecret").WithSummary("Rotate a service account's secret")
            .WithDescription("Returns a new secret once; the old secret is refused at once. Tokens already issued expire normally, unless "
                + "revokeExistingTokens=true (for a leaked secret): then they are refused within seconds on every replica.");
        accounts.MapDelete("/{serviceAccount}", Delete)
            .WithName("DeleteServiceAccount").WithSummary("Delete a service account")
            .WithDescription("New tokens are refused at once; tokens already issued are refused within seconds on every replica.");
    }

    private static async Task<CreatedAt<ServiceAccountCredentialsResponse>> Create(string tenant, CreateServiceAccountRequest request,
        ServiceAccountService accounts, CancellationToken cancellationToken)
    {
        var created = await accounts.CreateAsync(tenant, request, cancellationToken);
        return ResourceResults.Created(created, $"/v1/tenants/{tenant}/service-accounts/{created.Value.ServiceAccount.Name}");
    }

    private static async Task<Ok<Page<ServiceAccountResponse>>> List(string tenant, ServiceAccountService accounts,
        CancellationToken cancellationToken, int? pageSize = null, string? pageToken = null) =>
        TypedResults.Ok(await accounts.ListAsync(tenant, PageRequest.From(pageSize, pageToken), cancellationToken));

    private static async Task<OkWithETag<ServiceAccountResponse>> Get(string tenant, string serviceAccount, ServiceAccountService accounts,
        CancellationToken cancellationToken) =>
        ResourceResults.Ok(await accounts.GetAsync(tenant, serviceAccount, cancellationToken));

    private static async Task<OkWithETag<ServiceAccountCredentialsResponse>> Rotate(string tenant, string serviceAccount,
        ServiceAccountService accounts, [FromHeader(Name = "If-Match")] string? ifMatch, CancellationToken cancellationToken,
        [Description("Also refuse every token issued before this rotation, within seconds (for a leaked secret).")] bool revokeExistingTokens = false) =>
        ResourceResults.Ok(await accounts.RotateSecretAsync(tenant, serviceAccount, ifMatch, revokeExistingTokens, cancellationToken));

    private static async Task<NoContent> Delete(string tenant, string serviceAccount, ServiceAccountService accounts,
        [FromHeader(Name = "If-Match")] string? ifMatch, CancellationToken cancellationToken)
    {
        await accounts.DeleteAsync(tenant, serviceAccount, ifMatch, cancellationToken);
        return TypedResults.NoContent();
    }
}
