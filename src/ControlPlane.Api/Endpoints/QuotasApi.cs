using ControlPlane.Api.Http;
using ControlPlane.Application.Quotas;
using ControlPlane.Domain.ServiceAccounts;
using Microsoft.AspNetCore.Mvc;

namespace ControlPlane.Api.Endpoints;

internal static class QuotasApi
{
    public static void MapQuotasApi(this RouteGroupBuilder v1)
    {
        var quotas = v1.MapGroup("/tenants/{tenant}/quotas").WithTags("Quotas");

        quotas.MapGet("/", List).AllowTenantRole(ServiceAccountRole.Viewer)
            .WithName("ListQuotas").WithSummary("List a tenant's quotas")
            .WithDescription("Each limited resource with its limit, current use and percentage. A resource with no quota cannot be used.");
        quotas.MapPut("/{resource}", Set).OperatorOnly()
            .WithName("SetQuota").WithSummary("Set a quota limit")
            .WithDescription("Operators only. Resources: gpu.<model>, mig.<profile>, placements, storage.bytes, gpu-hours.monthly, spend.monthly (currency minor units).");
    }

    private static async Task<Ok<QuotaListResponse>> List(string tenant, QuotaService quotas, CancellationToken cancellationToken) =>
        TypedResults.Ok(await quotas.ListAsync(tenant, cancellationToken));

    private static async Task<OkWithETag<QuotaResponse>> Set(string tenant, string resource, SetQuotaRequest request, QuotaService quotas,
        [FromHeader(Name = "If-Match")] string? ifMatch, CancellationToken cancellationToken) =>
        ResourceResults.Ok(await quotas.SetLimitAsync(tenant, resource, request, ifMatch, cancellationToken));
}
