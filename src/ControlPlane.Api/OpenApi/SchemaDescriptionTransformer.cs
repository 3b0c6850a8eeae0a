using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using ControlPlane.Domain.Common;

namespace ControlPlane.Api.OpenApi;

/// <summary>Gives framework and generic types a description (our own types get theirs from XML docs).</summary>
internal sealed class SchemaDescriptionTransformer : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(schema.Description))
        {
            return Task.CompletedTask;
        }

        var type = Nullable.GetUnderlyingType(context.JsonTypeInfo.Type) ?? context.JsonTypeInfo.Type;
        schema.Description = type switch
        {
            _ when type == typeof(HttpValidationProblemDetails) => "RFC 9457 problem details with field errors under `errors`.",
            _ when type == typeof(ProblemDetails) => "RFC 9457 problem details: a stable `type` URI, `title`, `detail`, `traceId` and `requestId`.",
            { IsGenericType: true } when type.GetGenericTypeDefinition() == typeof(Application.Common.Page<>) =>
                $"A page of {type.GetGenericArguments()[0].Name.Replace("Response", "", StringComparison.Ordinal)} items; pass nextPageToken as pageToken for the next page (null on the last page).",
            _ when type == typeof(System.Text.Json.JsonElement) =>
                "Any JSON value; read as an exact decimal when it is a number (a non-number is reported as an error of its own).",
            { IsEnum: true } => $"One of: {string.Join(", ", Enum.GetNames(type).Select(name => WireNames.OfMember(type, name)))}.",
            _ => schema.Description,
        };
        return Task.CompletedTask;
    }
}
