using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ControlPlane.Api.OpenApi;

/// <summary>
/// Request and response bodies have exactly their declared members (unknown ones are refused: the API's JSON options
/// disallow unmapped members, and the generator says so with additionalProperties false). A problem is the exception:
/// it carries extension members — traceId, requestId, errors and each problem type's own — so its schema allows them.
/// </summary>
internal sealed class ProblemExtensionsTransformer : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (typeof(ProblemDetails).IsAssignableFrom(context.JsonTypeInfo.Type))
        {
            schema.AdditionalPropertiesAllowed = true;
            schema.AdditionalProperties = null;
        }

        return Task.CompletedTask;
    }
}
