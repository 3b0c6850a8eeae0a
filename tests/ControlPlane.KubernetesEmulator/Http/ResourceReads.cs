using System.Text.Json.Nodes;
using ControlPlane.KubernetesEmulator.Storage;
using Microsoft.AspNetCore.Http;

namespace ControlPlane.KubernetesEmulator.Http;

/// <summary>GET of one object and LIST of a collection, with label and field selectors.</summary>
internal sealed class ResourceReads(ObjectStore store)
{
    public Task GetAsync(HttpContext context, ResourceRequest request)
    {
        var obj = store.Get(request.Key) ?? throw ApiException.NotFound(request.Type.QualifiedResource, request.Name!);
        return JsonIo.WriteAsync(context.Response, 200, obj);
    }

    public Task ListAsync(HttpContext context, ResourceRequest request)
    {
        var filter = ListFilter.FromQuery(context.Request.Query);
        var (items, resourceVersion) = store.List(request.Type, request.Namespace);
        var list = new JsonObject
        {
            ["kind"] = request.Type.Kind + "List",
            ["apiVersion"] = request.Type.ApiVersion,
            ["metadata"] = new JsonObject { ["resourceVersion"] = resourceVersion },
            ["items"] = new JsonArray(items.Where(filter.Matches).Select(WithoutTypeMeta).ToArray()),
        };
        return JsonIo.WriteAsync(context.Response, 200, list);
    }

    /// <summary>List items carry no apiVersion and kind on the real wire; clients must not rely on them.</summary>
    private static JsonNode WithoutTypeMeta(JsonObject item)
    {
        item.Remove("apiVersion");
        item.Remove("kind");
        return item;
    }
}
