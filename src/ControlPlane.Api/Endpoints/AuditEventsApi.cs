using ControlPlane.Application.Audit;
using ControlPlane.Application.Common;

namespace ControlPlane.Api.Endpoints;

internal static class AuditEventsApi
{
    public static void MapAuditEventsApi(this RouteGroupBuilder v1) =>
        v1.MapGet("/audit-events", List).WithTags("Audit").RequireAuthorization(Hosting.AuthorizationSetup.AuditReaderPolicy)
            .WithName("ListAuditEvents").WithSummary("Read the audit trail")
            .WithDescription("Newest first. Operators see every tenant; a tenant admin sees its own tenant only. Filter by tenant, actor, action (or an action prefix ending in '.'), from and to.");

    private static async Task<Ok<Page<AuditEventResponse>>> List(AuditQueries audit, CancellationToken cancellationToken,
        string? tenant = null, string? actor = null, string? action = null, DateTimeOffset? from = null, DateTimeOffset? to = null,
        int? pageSize = null, string? pageToken = null) =>
        TypedResults.Ok(await audit.ListAsync(new AuditEventFilter(tenant, actor, action, from, to),
            PageRequest.From(pageSize, pageToken), cancellationToken));
}
