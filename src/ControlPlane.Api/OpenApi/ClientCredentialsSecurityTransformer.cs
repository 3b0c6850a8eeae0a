using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ControlPlane.Api.OpenApi;

/// <summary>Declares the OAuth2 client-credentials scheme and requires it on every operation (Swagger UI's Authorize button).</summary>
internal sealed class ClientCredentialsSecurityTransformer : IOpenApiDocumentTransformer
{
    public const string SchemeName = "oauth2";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[SchemeName] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.OAuth2,
            Description = "OAuth2 client credentials: a service account's (or the operator's) client id and secret. The access "
                + "tokens are short-lived signed JWTs handled as RFC8725 (JWT Best Current Practices) asks: the algorithm comes "
                + "from the issuer's published keys (never `none`), and the signature, issuer and lifetime are checked on every request.",
            Flows = new OpenApiOAuthFlows
            {
                ClientCredentials = new OpenApiOAuthFlow
                {
                    TokenUrl = new Uri("/connect/token", UriKind.Relative),
                    Scopes = new Dictionary<string, string>(),
                },
            },
        };

        foreach (var operation in document.Paths.Values.SelectMany(path => path.Operations ?? []))
        {
            operation.Value.Security ??= [];
            operation.Value.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SchemeName, document)] = [] });
        }

        return Task.CompletedTask;
    }
}
