using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;

namespace ControlPlane.Api.Http;

/// <summary>A result that carries resource headers the idempotency store must replay.</summary>
internal interface IResourceResult : IResult, IStatusCodeHttpResult, IValueHttpResult
{
    string? ETag { get; }
    string? Location { get; }
}

/// <summary>200 with the resource and its ETag.</summary>
public sealed class OkWithETag<T>(T value, string etag) : IResourceResult, IValueHttpResult<T>, IEndpointMetadataProvider
{
    public T Value => value;
    object? IValueHttpResult.Value => value;
    public int? StatusCode => StatusCodes.Status200OK;
    public string? ETag => etag;
    public string? Location => null;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.Headers.ETag = etag;
        return TypedResults.Ok(value).ExecuteAsync(httpContext);
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(T), ["application/json"]));
}

/// <summary>
/// 201 with the new resource, its Location and, for a resource that has one, its ETag (an immutable model version, a
/// binding or a rollout has none): an <see cref="IResourceResult"/>, so an Idempotency-Key replay answers both headers.
/// </summary>
public sealed class CreatedAt<T>(T value, string location, string? etag = null) : IResourceResult, IValueHttpResult<T>, IEndpointMetadataProvider
{
    public T Value => value;
    object? IValueHttpResult.Value => value;
    public int? StatusCode => StatusCodes.Status201Created;
    public string? ETag => etag;
    public string? Location => location;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        if (etag is not null)
        {
            httpContext.Response.Headers.ETag = etag;
        }

        return TypedResults.Created(location, value).ExecuteAsync(httpContext);
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status201Created, typeof(T), ["application/json"]));
}

internal static class ResourceResults
{
    public static OkWithETag<T> Ok<T>(Application.Common.Versioned<T> versioned) => new(versioned.Value, versioned.ETag);

    public static CreatedAt<T> Created<T>(Application.Common.Versioned<T> versioned, string location) =>
        new(versioned.Value, location, versioned.ETag);
}
