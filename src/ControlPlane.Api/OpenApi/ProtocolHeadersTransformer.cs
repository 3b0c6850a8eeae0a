using ControlPlane.Api.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ControlPlane.Api.OpenApi;

/// <summary>Documents what every operation shares: the Idempotency-Key header and the problem responses.</summary>
internal sealed class ProtocolHeadersTransformer : IOpenApiOperationTransformer
{
    private static readonly (string Status, string Description)[] CommonProblems =
    [
        ("400", "The request is invalid: `errors` names each field."),
        ("401", "No valid access token."),
        ("403", "The caller's role does not allow this operation."),
        ("404", "Not found, or not visible to the caller (another tenant's resources look exactly like missing ones)."),
        ("429", "Rate limit exceeded: see Retry-After."),
        ("503", "The database is temporarily unavailable: retry after Retry-After (a creating POST with the same Idempotency-Key)."),
    ];

    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        if (metadata.OfType<IdempotentMetadata>().Any())
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = Idempotency.Header,
                In = ParameterLocation.Header,
                Required = false,
                Description = "Makes retries safe: the same key with the same body returns the stored response; with another body, 422; while the first is in flight, 409.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 255 },
            });
        }

        var problem = await context.GetOrCreateSchemaAsync(typeof(ProblemDetails), null, cancellationToken);
        operation.Responses ??= [];
        var method = context.Description.HttpMethod ?? "GET";
        var problems = CommonProblems.AsEnumerable();
        if (!HttpMethods.IsGet(method))
        {
            problems = problems.Append(("409", "Conflicts with the resource's current state (e.g. it already exists, or the tenant is suspended)."));
        }

        if (context.Description.ParameterDescriptions.Any(p => p.Name == "If-Match"))
        {
            problems = problems.Append(("412", "If-Match does not match the resource's current ETag."));
        }

        foreach (var (status, description) in problems)
        {
            if (!operation.Responses.ContainsKey(status))
            {
                operation.Responses[status] = new OpenApiResponse
                {
                    Description = description,
                    Content = new Dictionary<string, OpenApiMediaType> { ["application/problem+json"] = new() { Schema = problem } },
                };
            }
        }
    }
}
