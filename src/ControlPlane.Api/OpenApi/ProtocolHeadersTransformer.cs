using ControlPlane.Api.Hosting;
using ControlPlane.Api.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ControlPlane.Api.OpenApi;

/// <summary>
/// Documents the protocol every operation shares: the Idempotency-Key header, the rate-limit headers on every 2xx and
/// 4xx answer, and the problem responses the endpoint declares (<see cref="RefusalMetadata"/>), each pointing at the one
/// problem schema (<see cref="ProblemComponents"/>). Nothing here guesses: an operation's refusals are its metadata.
/// </summary>
internal sealed class ProtocolHeadersTransformer : IOpenApiOperationTransformer
{
    private static readonly Dictionary<int, string> Descriptions = new()
    {
        [400] = "The request is invalid: `errors` names each field by its JSON path.",
        [401] = "No valid access token.",
        [403] = "The caller's role does not allow this operation.",
        [404] = "Not found, or not visible to the caller (another tenant's resources look exactly like missing ones).",
        [409] = "Conflicts with the current state (e.g. it already exists, the tenant is suspended, or the same Idempotency-Key is in flight).",
        [412] = "If-Match does not match the resource's current ETag.",
        [413] = "The request holds more than the operation takes at once (e.g. a batch above its maximum size).",
        [422] = "The request is valid but cannot be satisfied as asked (or its Idempotency-Key was used with another body).",
        [429] = "Rate limit exceeded: retry after Retry-After seconds.",
        [503] = "The database is temporarily unavailable: retry after Retry-After seconds (a creating POST with the same Idempotency-Key).",
    };

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
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
                Description = "Makes retries safe: the same key with the same body returns the stored response; with another body, 422; while the first is in flight, 409. A key is remembered for 24 hours (the default of Idempotency:Retention); after that it starts a new request.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = Idempotency.MaxKeyLength },
            });
        }

        operation.Responses ??= [];
        foreach (var refusal in metadata.OfType<RefusalMetadata>().OrderBy(r => r.StatusCode))
        {
            var status = refusal.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture);
            operation.Responses[status] = new OpenApiResponse
            {
                Description = Descriptions.GetValueOrDefault(refusal.StatusCode, "Refused: see the problem's type and detail."),
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    [ProblemComponents.MediaType] = new() { Schema = new OpenApiSchemaReference(ProblemComponents.SchemaName, context.Document) },
                },
            };
        }

        foreach (var (status, response) in operation.Responses)
        {
            if (response is not OpenApiResponse concrete)
            {
                continue;
            }

            concrete.Headers ??= new Dictionary<string, IOpenApiHeader>();
            if (status.StartsWith('2') || status.StartsWith('4'))
            {
                concrete.Headers[RateLimitingSetup.StateHeader] = new OpenApiHeaderReference(RateLimitingSetup.StateHeader, context.Document);
                concrete.Headers[RateLimitingSetup.PolicyHeader] = new OpenApiHeaderReference(RateLimitingSetup.PolicyHeader, context.Document);
            }

            if (status is "429" or "503")
            {
                concrete.Headers["Retry-After"] = new OpenApiHeaderReference("Retry-After", context.Document);
            }
        }

        return Task.CompletedTask;
    }
}
