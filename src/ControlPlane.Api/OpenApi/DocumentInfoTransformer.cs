using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ControlPlane.Api.OpenApi;

internal sealed class DocumentInfoTransformer : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info = new OpenApiInfo
        {
            Title = "ControlPlane API",
            Version = "v1",
            Description = """
                The control plane of a multi-tenant GPU cloud: tenants, quotas, service accounts and the audit trail.
                Authenticate with OAuth2 client credentials at /connect/token and send the access token as a bearer token.
                Errors are RFC 9457 problem details with a stable `type`. Creating POSTs honour `Idempotency-Key`;
                reads return an `ETag`, updates honour `If-Match`. Lists are cursor-paginated (`pageSize`, `pageToken`, `nextPageToken`).
                """,
        };
        // The document must not depend on the host that served it: the committed copy is compared byte for byte.
        document.Servers = [];
        return Task.CompletedTask;
    }
}
