using ControlPlane.KubernetesEmulator.Authentication;
using ControlPlane.KubernetesEmulator.Resources;
using Microsoft.AspNetCore.Http;

namespace ControlPlane.KubernetesEmulator.Http;

/// <summary>
/// Maps a request to discovery (API and service-account issuer), TokenReview or a resource verb, and turns every <see cref="ApiException"/>
/// into a Status response. Routing is by hand rather than by route templates because the real API's
/// paths are ambiguous without the resource catalog (<c>/api/v1/namespaces/x/pods</c> vs <c>/api/v1/namespaces/x/status</c>).
/// </summary>
internal sealed class ApiRouter(ResourceReads reads, ResourceWrites writes, WatchStream watches, TokenReviewEndpoint tokenReviews,
    ServiceAccountTokenIssuer issuer)
{
    public async Task HandleAsync(HttpContext context)
    {
        try
        {
            await DispatchAsync(context);
        }
        catch (ApiException error) when (!context.Response.HasStarted)
        {
            await JsonIo.WriteErrorAsync(context.Response, error);
        }
        catch (Exception bug) when (bug is not OperationCanceledException && !context.Response.HasStarted)
        {
            // An emulator bug must reach the test as a readable failure, not as an empty 500.
            await JsonIo.WriteAsync(context.Response, 500, StatusObjects.Failure(500, "InternalError", $"emulator error: {bug}"));
        }
    }

    private Task DispatchAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var isGet = HttpMethods.IsGet(context.Request.Method);
        switch (segments)
        {
            case ["version"] when isGet:
                return JsonIo.WriteAsync(context.Response, 200, DiscoveryDocuments.Version());
            case ["api"] when isGet:
                return JsonIo.WriteAsync(context.Response, 200, DiscoveryDocuments.CoreVersions(context.Request.Host.Value ?? ""));
            case ["apis"] when isGet:
                return JsonIo.WriteAsync(context.Response, 200, DiscoveryDocuments.Groups());
            case [".well-known", "openid-configuration"] when isGet:
                var server = new Uri($"{context.Request.Scheme}://{context.Request.Host}/");
                return JsonIo.WriteAsync(context.Response, 200, issuer.DiscoveryDocument(server));
            case ["openid", "v1", "jwks"] when isGet:
                return JsonIo.WriteAsync(context.Response, 200, issuer.KeySet());
            case ["api", var version, .. var rest]:
                return DispatchGroupVersionAsync(context, "", version, rest);
            case ["apis", var group, var version, .. var rest]:
                return DispatchGroupVersionAsync(context, group, version, rest);
            default:
                throw NotFound(path);
        }
    }

    private Task DispatchGroupVersionAsync(HttpContext context, string group, string version, string[] rest)
    {
        if (rest.Length == 0 && HttpMethods.IsGet(context.Request.Method))
        {
            var resources = DiscoveryDocuments.Resources(group, version) ?? throw NotFound(context.Request.Path);
            return JsonIo.WriteAsync(context.Response, 200, resources);
        }

        var request = ResourceRequest.Parse(group, version, rest) ?? throw NotFound(context.Request.Path);
        return request.Subresource is null ? DispatchResourceAsync(context, request) : DispatchSubresourceAsync(context, request);
    }

    private Task DispatchResourceAsync(HttpContext context, ResourceRequest request)
    {
        var method = context.Request.Method;
        var isCollection = request.Name is null;
        var isWatch = context.Request.Query["watch"] is ["true"] or ["1"];
        var (verb, handler) = method switch
        {
            _ when HttpMethods.IsGet(method) && isCollection && isWatch => (ResourceVerbs.Watch, (Func<HttpContext, ResourceRequest, Task>)watches.StreamAsync),
            _ when HttpMethods.IsGet(method) && isCollection => (ResourceVerbs.List, reads.ListAsync),
            _ when HttpMethods.IsGet(method) => (ResourceVerbs.Get, reads.GetAsync),
            _ when HttpMethods.IsPost(method) && isCollection && request.Type == ResourceCatalog.TokenReviews => (ResourceVerbs.Create, (c, _) => tokenReviews.CreateAsync(c)),
            _ when HttpMethods.IsPost(method) && isCollection => (ResourceVerbs.Create, writes.CreateAsync),
            _ when HttpMethods.IsPut(method) && !isCollection => (ResourceVerbs.Update, writes.ReplaceAsync),
            _ when HttpMethods.IsPatch(method) && !isCollection => (ResourceVerbs.Patch, writes.PatchAsync),
            _ when HttpMethods.IsDelete(method) && !isCollection => (ResourceVerbs.Delete, writes.DeleteAsync),
            _ => (ResourceVerbs.None, null),
        };

        if (handler is null || !request.Type.Serves(verb))
        {
            throw ApiException.MethodNotAllowed();
        }

        return handler(context, request);
    }

    /// <summary>Only GET of <c>/status</c> is served: tests move status along through the emulator's own API instead.</summary>
    private Task DispatchSubresourceAsync(HttpContext context, ResourceRequest request)
    {
        if (request.Subresource != "status" || !request.Type.HasStatus || request.Name is null)
        {
            throw NotFound(context.Request.Path);
        }

        return HttpMethods.IsGet(context.Request.Method) ? reads.GetAsync(context, request) : throw ApiException.MethodNotAllowed();
    }

    private static ApiException NotFound(string? path) => new(404, "NotFound", $"the server could not find the requested resource ({path})");
}
