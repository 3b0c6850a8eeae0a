using System.Text.Json.Nodes;
using ControlPlane.KubernetesEmulator.Storage;
using Microsoft.AspNetCore.Http;

namespace ControlPlane.KubernetesEmulator.Http;

/// <summary>
/// POST create, PUT replace, PATCH (apply, merge, strategic merge) and DELETE of stored objects. Bodies are strictly
/// decoded into the kind's model, and what would be stored is validated, before anything is written.
/// </summary>
internal sealed class ResourceWrites(ObjectStore store)
{
    private const string ApplyPatch = "application/apply-patch+yaml";
    private const string MergePatch = "application/merge-patch+json";
    private const string StrategicMergePatch = "application/strategic-merge-patch+json";

    public async Task CreateAsync(HttpContext context, ResourceRequest request)
    {
        var body = await JsonIo.ReadObjectAsync(context.Request);
        ObjectValidation.CheckTypeMeta(request.Type, body, required: false);
        ObjectValidation.CheckNamespaceMatchesUrl(request, body);
        var name = ObjectValidation.NameOf(body) ?? GenerateName(body);
        ObjectValidation.CheckName(request.Type, name);
        request.Type.Schema.CheckShape(request.Type, body);
        ServerOwnedMetadata.RemoveFrom(body);
        ObjectValidation.CheckObject(request.Type, body, live: null);
        var created = store.Create(request.Key with { Name = name! }, body, request.Type.HasStatus);
        await JsonIo.WriteAsync(context.Response, 201, created);
    }

    public async Task ReplaceAsync(HttpContext context, ResourceRequest request)
    {
        var body = await JsonIo.ReadObjectAsync(context.Request);
        ObjectValidation.CheckTypeMeta(request.Type, body, required: false);
        ObjectValidation.CheckMatchesUrl(request, body);
        request.Type.Schema.CheckShape(request.Type, body);
        var (replaced, _) = store.Write(request.Key, live =>
        {
            ObjectValidation.CheckResourceVersion(request.Type, live, body);
            ObjectValidation.CheckObject(request.Type, body, live);
            // managedFields record who applied what; a replace does not get to rewrite that history.
            ((JsonObject)(body["metadata"] ??= new JsonObject()))["managedFields"] = live!["metadata"]?["managedFields"]?.DeepClone();
            return body;
        }, allowCreate: false, keepStatus: request.Type.HasStatus);
        await JsonIo.WriteAsync(context.Response, 200, replaced);
    }

    public Task PatchAsync(HttpContext context, ResourceRequest request) => JsonIo.MediaType(context.Request) switch
    {
        ApplyPatch => ApplyAsync(context, request),
        MergePatch or StrategicMergePatch => MergeAsync(context, request),
        var other => throw ApiException.UnsupportedMediaType(other),
    };

    public Task DeleteAsync(HttpContext context, ResourceRequest request)
    {
        var deleted = store.Delete(request.Key);
        var status = StatusObjects.Deleted(request.Type.Plural, request.Type.Group, request.Name!, (string?)deleted["metadata"]?["uid"]);
        return JsonIo.WriteAsync(context.Response, 200, status);
    }

    private async Task ApplyAsync(HttpContext context, ResourceRequest request)
    {
        var manager = (string?)context.Request.Query["fieldManager"];
        if (string.IsNullOrEmpty(manager))
        {
            throw ApiException.BadRequest("PATCH with apply-patch content type requires the fieldManager query parameter");
        }

        var force = string.Equals(context.Request.Query["force"], "true", StringComparison.OrdinalIgnoreCase);
        var body = await JsonIo.ReadObjectAsync(context.Request);
        ObjectValidation.CheckTypeMeta(request.Type, body, required: true);
        ObjectValidation.CheckMatchesUrl(request, body);
        ObjectValidation.CheckName(request.Type, request.Name);
        request.Type.Schema.CheckShape(request.Type, body);
        var (applied, created) = store.Write(request.Key, live =>
        {
            ObjectValidation.CheckResourceVersion(request.Type, live, body);
            var result = ServerSideApply.Apply(request.Type, live, body, manager, force);
            ObjectValidation.CheckObject(request.Type, result, live);
            return result;
        }, allowCreate: true, keepStatus: request.Type.HasStatus);
        await JsonIo.WriteAsync(context.Response, created ? 201 : 200, applied);
    }

    private async Task MergeAsync(HttpContext context, ResourceRequest request)
    {
        var patch = await JsonIo.ReadObjectAsync(context.Request);
        var (patched, _) = store.Write(request.Key, live =>
        {
            ObjectValidation.CheckResourceVersion(request.Type, live, patch);
            var before = live!.DeepClone().AsObject();
            JsonMerge.MergeInto(live, patch);
            ObjectValidation.CheckTypeMeta(request.Type, live, required: false);
            ObjectValidation.CheckMatchesUrl(request, live);
            request.Type.Schema.CheckShape(request.Type, live);
            ObjectValidation.CheckObject(request.Type, live, before);
            return live;
        }, allowCreate: false, keepStatus: request.Type.HasStatus);
        await JsonIo.WriteAsync(context.Response, 200, patched);
    }

    private static string? GenerateName(JsonObject body)
    {
        var prefix = (string?)body["metadata"]?["generateName"];
        return string.IsNullOrEmpty(prefix) ? null : prefix + Guid.NewGuid().ToString("N")[..5];
    }
}
