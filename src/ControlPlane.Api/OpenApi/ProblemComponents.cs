using ControlPlane.Api.Hosting;
using ControlPlane.Api.Http;
using ControlPlane.Domain.Common;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ControlPlane.Api.OpenApi;

/// <summary>
/// The problem+json schema, once, and the headers every operation refers to: what <see cref="Problems"/> and
/// <see cref="ProblemDetailsSetup"/> write, and what the rate limiter and the exception handler send.
/// </summary>
internal sealed class ProblemComponents : IOpenApiDocumentTransformer
{
    public const string SchemaName = "Problem";
    public const string MediaType = "application/problem+json";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        document.Components.Schemas[SchemaName] = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "RFC 9457 problem details: a stable `type` URI per kind of error, `title`, `detail`, the `traceId` and `requestId` "
                + "to quote when reporting it, and for a 400 the offending fields under `errors` (keyed by JSON path).",
            Required = new HashSet<string> { "type", "title", "status" },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["type"] = Text("A stable URI per kind of error, e.g. " + ProblemTypes.ValidationFailed + ".", "uri"),
                ["title"] = Text("A short summary of the kind of error."),
                ["status"] = new OpenApiSchema
                {
                    Type = JsonSchemaType.Integer, Format = "int32", Minimum = "400", Maximum = "599", Description = "The HTTP status code.",
                },
                ["detail"] = Text("What went wrong with this request, for a human."),
                ["instance"] = Text("The request path."),
                ["traceId"] = Text("The W3C trace id of the request."),
                ["requestId"] = Text("The request id (also in the X-Request-Id response header)."),
                ["errors"] = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Description = "For a 400: the sentences each offending field earned, keyed by the field's JSON path.",
                    MaxProperties = InputShape.MaxItems,
                    AdditionalProperties = new OpenApiSchema
                    {
                        Type = JsonSchemaType.Array, MaxItems = InputShape.MaxItems, Items = Text("One reason the field was refused."),
                    },
                },
            },
        };

        document.Components.Headers ??= new Dictionary<string, IOpenApiHeader>();
        document.Components.Headers[RateLimitingSetup.StateHeader] = Header(@"^limit=\d+, remaining=\d+, reset=\d+$",
            "The caller's budget (IETF RateLimit header draft): `limit=B, remaining=R, reset=S` — burst size, requests left now, "
            + "and seconds until the bucket is full again.");
        document.Components.Headers[RateLimitingSetup.PolicyHeader] = Header(@"^\d+;w=1;burst=\d+;rate=\d+$",
            "The rate-limit policy: a token bucket per principal, `B;w=1;burst=B;rate=P` (burst B, refilled at P requests per second).");
        document.Components.Headers["Retry-After"] = new OpenApiHeader
        {
            Description = "Seconds to wait before retrying.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "1", Maximum = "3600" },
        };
        return Task.CompletedTask;
    }

    private static OpenApiSchema Text(string description, string? format = null) => new()
    {
        Type = JsonSchemaType.String, MaxLength = StorableText.MaxLength, Format = format, Description = description,
    };

    /// <summary>A header value of the shape <see cref="PrincipalRateLimiter"/> writes (a few numbers: far below 100 characters).</summary>
    private static OpenApiHeader Header(string pattern, string description) => new()
    {
        Description = description,
        Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 100, Pattern = pattern },
    };
}
