using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ControlPlane.Api.OpenApi;

/// <summary>
/// Money, prices and quantities are exact decimals on the server; the framework documents them as <c>format: double</c>,
/// which makes generated clients read 0.1 as 0.1000000000000000055… and sum amounts with binary rounding. The
/// <c>decimal</c> format tells generators (NSwag, Kiota, openapi-generator) to use their exact decimal type.
/// </summary>
internal sealed class ExactDecimalTransformer : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var type = context.JsonTypeInfo.Type;
        if ((Nullable.GetUnderlyingType(type) ?? type) == typeof(decimal))
        {
            schema.Format = "decimal";
        }

        return Task.CompletedTask;
    }
}
