using ControlPlane.Api.Http;
using ControlPlane.Application.Abstractions;
using ControlPlane.Application.Common;
using ControlPlane.Application.Models;
using ControlPlane.Domain.ServiceAccounts;
using Microsoft.AspNetCore.Mvc;

namespace ControlPlane.Api.Endpoints;

internal static class ModelsApi
{
    public static void MapModelsApi(this RouteGroupBuilder v1)
    {
        var models = v1.MapGroup("/tenants/{tenant}/models").WithTags("Models");

        models.MapPost("/", Create).WithIdempotency().AllowTenantRole(ServiceAccountRole.Developer)
            .WithName("CreateModel").WithSummary("Create a model").WithDescription("Developers and above. Name, description, task, labels.");
        models.MapGet("/", List).AllowTenantRole(ServiceAccountRole.Viewer)
            .WithName("ListModels").WithSummary("List models").WithDescription("Sorted by name; cursor-paginated.");
        models.MapGet("/{model}", Get).AllowTenantRole(ServiceAccountRole.Viewer)
            .WithName("GetModel").WithSummary("Get a model").WithDescription("With its latest version number and an ETag.");
        models.MapPatch("/{model}", Update).AllowTenantRole(ServiceAccountRole.Developer)
            .WithName("UpdateModel").WithSummary("Update a model").WithDescription("Description, task and labels; versions never change. Honours If-Match.");
        models.MapDelete("/{model}", Delete).Refuses(StatusCodes.Status409Conflict).AllowTenantRole(ServiceAccountRole.TenantAdmin)
            .WithName("DeleteModel").WithSummary("Delete a model")
            .WithDescription("Tenant admins. Removes its versions and aliases and gives back their storage.bytes. "
                + "Refused with 409 model-in-use, naming them, while a live placement serves any of its versions.");

        var versions = models.MapGroup("/{model}/versions");
        versions.MapPost("/", Register).WithIdempotency(RegisteredVersionNow).AllowTenantRole(ServiceAccountRole.Developer)
            .WithName("RegisterModelVersion").WithSummary("Register a model version")
            .WithDescription("A manifest of files (path, digest, size, media type; up to 1,000) or the single-object form (digest + sizeBytes: one file "
                + "at path \"model\"), with format, quantization and provenance. Returns an upload plan per file (uploads): a presigned PUT (≤ 15 minutes), "
                + "an S3 multipart upload with a presigned URL per part above the multipart threshold, or stored when this tenant already stores that "
                + "digest. Refused when the bytes not yet stored would exceed the storage.bytes quota. The service never fetches caller-supplied URLs. "
                + "A replay with the same Idempotency-Key answers the version as GET does now: a fresh upload plan for what is still missing, never the first answer's URLs.");
        versions.MapGet("/", ListVersions).AllowTenantRole(ServiceAccountRole.Viewer)
            .WithName("ListModelVersions").WithSummary("List versions").WithDescription("Newest first; cursor-paginated.");
        versions.MapGet("/{version}", GetVersion).AllowTenantRole(ServiceAccountRole.Viewer)
            .WithName("GetModelVersion").WithSummary("Get a version")
            .WithDescription("By number (3) or digest (sha256:…). Versions are immutable. A pending version comes with a fresh upload plan.");
        versions.MapDelete("/{version}", DeleteVersion).Refuses(StatusCodes.Status409Conflict).AllowTenantRole(ServiceAccountRole.Developer)
            .WithName("DeleteModelVersion").WithSummary("Delete a version")
            .WithDescription("Refused with 409 while an alias points at it or a live placement serves it. Gives back its storage.bytes.");
        versions.MapPost("/{version}:finalize", FinalizeVersion).Refuses(StatusCodes.Status409Conflict).AllowTenantRole(ServiceAccountRole.Developer)
            .WithName("FinalizeModelVersion").WithSummary("Verify the uploaded files")
            .WithDescription("Completes each multipart upload from the parts the store lists, streams every file through SHA-256 and checks its size "
                + "and the manifest: ready, or failed naming each mismatching file. 409 artifact-not-uploaded (`files`: each incomplete file and "
                + "why; `parts`: the part numbers each multipart file still needs) while something is not uploaded; the version stays pending and finalize resumes where it stopped. A finished version answers with "
                + "the same result again.");
        versions.MapPost("/{version}/files/{path}:upload-parts", UploadParts).Refuses(StatusCodes.Status409Conflict).AllowTenantRole(ServiceAccountRole.Developer)
            .WithName("CreateModelFileUploadParts").WithSummary("Get fresh part URLs for a file's multipart upload")
            .WithDescription("For a failed or expired part: presigned PUT URLs for the part numbers asked. The file's path goes percent-encoded "
                + "in the URL, '/' as %2F (weights%2Fmodel-00001-of-00002.safetensors).");
        versions.MapPost("/{version}:pull-credentials", PullCredentials).Refuses(StatusCodes.Status409Conflict).AllowTenantRole(ServiceAccountRole.Developer)
            .WithName("CreatePullCredentials").WithSummary("Get credentials to pull one version")
            .WithDescription("One JWT (audience model-store, tenant and digest claims; 10 minutes by default) and a presigned GET URL per file (files) "
                + "that expires no later; presignedUrl repeats the URL of a one-file version. Pods exchange their service-account token at "
                + "/connect/token instead (RFC 8693).");
        versions.MapGet("/{version}/lineage", Lineage).AllowTenantRole(ServiceAccountRole.Viewer)
            .WithName("GetModelVersionLineage").WithSummary("Get a version's lineage")
            .WithDescription("Ancestors through base-model digests across the tenant's models, descendants, the producing placement, and the live "
                + "placements that serve it (servedBy).");

        var aliases = models.MapGroup("/{model}/aliases");
        aliases.MapPut("/{alias}", SetAlias).Refuses(StatusCodes.Status409Conflict).AllowTenantRole(ServiceAccountRole.Developer)
            .WithName("SetModelAlias").WithSummary("Point an alias at a version")
            .WithDescription("Aliases are the only mutable pointers; every move is audited. Honours If-Match.");
        aliases.MapGet("/{alias}", GetAlias).AllowTenantRole(ServiceAccountRole.Viewer)
            .WithName("GetModelAlias").WithSummary("Resolve an alias").WithDescription("The version number and digest it points at.");
        aliases.MapDelete("/{alias}", DeleteAlias).AllowTenantRole(ServiceAccountRole.Developer)
            .WithName("DeleteModelAlias").WithSummary("Remove an alias").WithDescription("The version stays. Honours If-Match.");
    }

    private static async Task<CreatedAt<ModelResponse>> Create(string tenant, CreateModelRequest request, ModelService models,
        CancellationToken cancellationToken)
    {
        var created = await models.CreateAsync(tenant, request, cancellationToken);
        return ResourceResults.Created(created, $"/v1/tenants/{tenant}/models/{created.Value.Name}");
    }

    private static async Task<Ok<Page<ModelResponse>>> List(string tenant, ModelService models, CancellationToken cancellationToken,
        int? pageSize = null, string? pageToken = null) =>
        TypedResults.Ok(await models.ListAsync(tenant, PageRequest.From(pageSize, pageToken), cancellationToken));

    private static async Task<OkWithETag<ModelResponse>> Get(string tenant, string model, ModelService models, CancellationToken cancellationToken) =>
        ResourceResults.Ok(await models.GetAsync(tenant, model, cancellationToken));

    private static async Task<OkWithETag<ModelResponse>> Update(string tenant, string model, UpdateModelRequest request, ModelService models,
        [FromHeader(Name = "If-Match")] string? ifMatch, CancellationToken cancellationToken) =>
        ResourceResults.Ok(await models.UpdateAsync(tenant, model, request, ifMatch, cancellationToken));

    private static async Task<NoContent> Delete(string tenant, string model, ModelService models, [FromHeader(Name = "If-Match")] string? ifMatch,
        CancellationToken cancellationToken)
    {
        await models.DeleteAsync(tenant, model, ifMatch, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<CreatedAt<ModelVersionResponse>> Register(string tenant, string model, RegisterVersionRequest request,
        ModelVersionService versions, CancellationToken cancellationToken)
    {
        var registered = await versions.RegisterAsync(tenant, model, request, cancellationToken);
        return new(registered, $"/v1/tenants/{tenant}/models/{model}/versions/{registered.Version}");
    }

    /// <summary>
    /// A replayed registration answers what GET of the version answers now: a fresh upload plan for what is still
    /// missing, never the first answer's URLs, which may have expired since.
    /// </summary>
    private static async Task<object> RegisteredVersionNow(HttpContext context, StoredResponse stored, CancellationToken cancellationToken)
    {
        var route = context.Request.RouteValues;
        var location = stored.Location!; // the registration answers 201 with the version's Location
        var number = location[(location.LastIndexOf('/') + 1)..];
        return await context.RequestServices.GetRequiredService<ModelVersionService>()
            .GetAsync((string)route["tenant"]!, (string)route["model"]!, number, cancellationToken);
    }

    private static async Task<Ok<Page<ModelVersionResponse>>> ListVersions(string tenant, string model, ModelVersionService versions,
        CancellationToken cancellationToken, int? pageSize = null, string? pageToken = null) =>
        TypedResults.Ok(await versions.ListAsync(tenant, model, PageRequest.From(pageSize, pageToken), cancellationToken));

    private static async Task<Ok<ModelVersionResponse>> GetVersion(string tenant, string model, string version, ModelVersionService versions,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(await versions.GetAsync(tenant, model, version, cancellationToken));

    private static async Task<NoContent> DeleteVersion(string tenant, string model, string version, ModelVersionService versions,
        CancellationToken cancellationToken)
    {
        await versions.DeleteAsync(tenant, model, version, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<ModelVersionResponse>> FinalizeVersion(string tenant, string model, string version, ModelVersionService versions,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(await versions.FinalizeAsync(tenant, model, version, cancellationToken));

    private static async Task<Ok<FileUpload>> UploadParts(string tenant, string model, string version, string path, UploadPartsRequest request,
        ModelVersionService versions, CancellationToken cancellationToken) =>
        TypedResults.Ok(await versions.UploadPartsAsync(tenant, model, version, path, request, cancellationToken));

    private static async Task<Ok<PullCredentialsResponse>> PullCredentials(string tenant, string model, string version, ModelVersionService versions,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(await versions.PullCredentialsAsync(tenant, model, version, cancellationToken));

    private static async Task<Ok<LineageResponse>> Lineage(string tenant, string model, string version, ModelVersionService versions,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(await versions.LineageAsync(tenant, model, version, cancellationToken));

    private static async Task<OkWithETag<AliasResponse>> SetAlias(string tenant, string model, string alias, SetAliasRequest request,
        ModelAliasService aliases, [FromHeader(Name = "If-Match")] string? ifMatch, CancellationToken cancellationToken) =>
        ResourceResults.Ok(await aliases.SetAsync(tenant, model, alias, request, ifMatch, cancellationToken));

    private static async Task<OkWithETag<AliasResponse>> GetAlias(string tenant, string model, string alias, ModelAliasService aliases,
        CancellationToken cancellationToken) =>
        ResourceResults.Ok(await aliases.GetAsync(tenant, model, alias, cancellationToken));

    private static async Task<NoContent> DeleteAlias(string tenant, string model, string alias, ModelAliasService aliases,
        [FromHeader(Name = "If-Match")] string? ifMatch, CancellationToken cancellationToken)
    {
        await aliases.DeleteAsync(tenant, model, alias, ifMatch, cancellationToken);
        return TypedResults.NoContent();
    }
}
