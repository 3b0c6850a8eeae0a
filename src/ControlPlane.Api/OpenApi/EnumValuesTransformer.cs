using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ControlPlane.Api.OpenApi;

/// <summary>
/// Keeps an enum's shared component to its values. Where a nullable enum property is the first to reference an enum,
/// ASP.NET Core puts <c>null</c> into the shared component's value list, and generators then make it an object type
/// (NSwag did: the client failed to read a placement whose scheduling decision carried a rejection code). A property's
/// nullability is already stated where it is used, as <c>oneOf: [null, $ref]</c>.
/// </summary>
internal sealed class EnumValuesTransformer : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if ((Nullable.GetUnderlyingType(context.JsonTypeInfo.Type) ?? context.JsonTypeInfo.Type).IsEnum && schema.Enum is { Count: > 0 } values)
        {
            schema.Enum = [.. values.Where(value => value is not null)];
        }

        return Task.CompletedTask;
    }
}
