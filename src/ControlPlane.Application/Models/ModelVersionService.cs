using System.Text.Json;
using ControlPlane.Application.Abstractions;
using ControlPlane.Application.Audit;
using ControlPlane.Application.Common;
using ControlPlane.Domain.Common;
using ControlPlane.Domain.Models;
using ControlPlane.Domain.Quotas;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ControlPlane.Application.Models;

/// <summary>
/// Immutable, content-addressed versions: registered as a manifest of files with an upload plan per file, finalized by
/// verifying the stored bytes (size and streamed SHA-256) file by file, counted against storage.bytes once per distinct
/// digest, pulled with short-lived credentials covering every file.
/// </summary>
public sealed class ModelVersionService(IControlPlaneDb db, ModelService models, IModelLocks locks, IArtifactStore store, StoredBlobs blobs, ModelFileUploads uploads, ManifestVerifier verifier,
    ITokenMinter tokens, ICallerContext caller, IOptions<ModelRegistryOptions> options, AuditTrail audit, TimeProvider clock)
{
    private const int MaxProvenanceText = 500;

    public async Task<ModelVersionResponse> RegisterAsync(string tenantName, string modelName, RegisterVersionRequest request,
        CancellationToken cancellationToken)
    {
        var (files, source, provenance) = Validate(request);
        var digest = ModelVersion.DigestFor(files, source);
        return await db.InTransactionAsync(async () =>
        {
            var model = await locks.LockModelAsync(tenantName, modelName, cancellationToken)
                ?? throw new ResourceNotFoundException("model", modelName);
            var tenant = await db.Tenants.AsNoTracking().FirstAsync(t => t.Id == model.TenantId, cancellationToken);
            tenant.EnsureCanCreate();
            if (await db.ModelVersions.AnyAsync(v => v.ModelId == model.Id && v.Digest == digest, cancellationToken))
            {
                throw new ConflictException("already-exists", $"Model '{modelName}' already has a version with digest {digest}.");
            }

            // Finalized bytes count against storage.bytes once per digest; refuse now what could never be finalized within the quota.
            var stored = await blobs.StoredDigestsAsync(model.TenantId, files.Select(f => f.Digest), cancellationToken);
            var needed = files.Where(f => !stored.Contains(f.Digest)).DistinctBy(f => f.Digest).Sum(f => f.SizeBytes);
            var quota = await db.Quotas.AsNoTracking()
                .FirstOrDefaultAsync(q => q.TenantId == model.TenantId && q.Resource == QuotaResource.StorageBytes, cancellationToken);
            if (quota is null || !quota.CanReserve(needed))
            {
                throw new ConflictException("quota-exceeded", quota is null
                    ? "The tenant has no quota for storage.bytes."
                    : $"Quota storage.bytes has {quota.Remaining} of {quota.Limit} bytes left; this version needs {needed} more.");
            }

            var now = clock.GetUtcNow();
            var version = ModelVersion.Register(model.Id, model.TenantId, model.TakeVersionNumber(now), files, source, request.Format!.Value,
                request.Quantization!.Value, provenance, now);
            db.ModelVersions.Add(version);
            var rows = new List<ModelVersionFile>(files.Count);
            foreach (var file in files)
            {
                var multipart = stored.Contains(file.Digest) ? null : await uploads.StartAsync(tenantName, file, cancellationToken);
                rows.Add(ModelVersionFile.Of(version.Id, model.TenantId, file, multipart));
            }

            db.ModelVersionFiles.AddRange(rows);
            audit.Record("model-version.register", VersionTarget(tenantName, modelName, version.Number), tenantName,
                new Dictionary<string, string> { ["digest"] = version.Digest });
            await db.SaveChangesAsync(cancellationToken);
            return ToResponse(version, modelName, rows, uploads.Plan(tenantName, rows, stored));
        }, cancellationToken);
    }

    public async Task<Page<ModelVersionResponse>> ListAsync(string tenantName, string modelName, PageRequest page, CancellationToken cancellationToken)
    {
        var model = await models.LoadAsync(tenantName, modelName, tracking: false, cancellationToken);
        var query = db.ModelVersions.AsNoTracking().Where(v => v.ModelId == model.Id);
        if (page.After is { } after && int.TryParse(after, System.Globalization.CultureInfo.InvariantCulture, out var afterNumber))
        {
            query = query.Where(v => v.Number < afterNumber);
        }

        var rows = await query.OrderByDescending(v => v.Number).Take(page.PageSize + 1).ToListAsync(cancellationToken);
        var ids = rows.Select(v => v.Id).ToList();
        var files = ModelManifest.Sorted(await db.ModelVersionFiles.AsNoTracking().Where(f => ids.Contains(f.VersionId)).ToListAsync(cancellationToken), f => f.Path)
            .ToLookup(f => f.VersionId);
        return page.ToPage(rows, v => v.Number.ToString(System.Globalization.CultureInfo.InvariantCulture), v => ToResponse(v, modelName, files[v.Id], null));
    }

    /// <summary>A version; a pending one with a fresh upload plan (what a resumed upload starts from).</summary>
    public async Task<ModelVersionResponse> GetAsync(string tenantName, string modelName, string version, CancellationToken cancellationToken)
    {
        var found = await LoadAsync(tenantName, modelName, version, tracking: false, cancellationToken);
        var files = await FilesOfAsync(found.Id, cancellationToken);
        return ToResponse(found, modelName, files, await PlanIfPendingAsync(tenantName, found, files, cancellationToken));
    }

    /// <summary>Fresh presigned URLs for parts of one file's multipart upload.</summary>
    public async Task<FileUpload> UploadPartsAsync(string tenantName, string modelName, string version, string path, UploadPartsRequest request,
        CancellationToken cancellationToken)
    {
        var found = await LoadAsync(tenantName, modelName, version, tracking: false, cancellationToken);
        // Route values keep %2F encoded (every other escape is decoded already); paths hold no '%', so this is the only decoding left.
        var filePath = path.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);
        var file = await db.ModelVersionFiles.AsNoTracking().FirstOrDefaultAsync(f => f.VersionId == found.Id && f.Path == filePath, cancellationToken)
            ?? throw new ResourceNotFoundException("file", filePath);
        if (found.State != ModelVersionState.PendingUpload)
        {
            throw new ConflictException("version-not-pending", $"Version {found.Number} is already {WireNames.Of(found.State)}.");
        }

        return uploads.PresignParts(tenantName, file, request.Parts);
    }

    /// <summary>
    /// Completes the multipart uploads, verifies every file's size and SHA-256 and the manifest: ready, or failed with
    /// the mismatching files. Resumable (what an earlier call verified stays done) and idempotent (a finished version
    /// answers with its result again).
    /// </summary>
    public async Task<ModelVersionResponse> FinalizeAsync(string tenantName, string modelName, string version, CancellationToken cancellationToken)
    {
        var pending = await LoadAsync(tenantName, modelName, version, tracking: false, cancellationToken);
        var files = await FilesOfAsync(pending.Id, cancellationToken);
        if (pending.State != ModelVersionState.PendingUpload)
        {
            return ToResponse(pending, modelName, files, null);
        }

        // Hash outside any transaction: a large artifact takes minutes, and no row should stay locked meanwhile.
        var mismatches = await verifier.VerifyAsync(tenantName, pending.TenantId, files, cancellationToken);
        return await db.InTransactionAsync(async () =>
        {
            var target = await locks.LockVersionAsync(pending.Id, cancellationToken);
            if (target.State != ModelVersionState.PendingUpload)
            {
                return ToResponse(target, modelName, files, null); // a concurrent finalize finished it
            }

            target.Complete(files.Select(f => f.ToManifestFile()).ToList(), mismatches, clock.GetUtcNow());
            audit.Record("model-version.finalize", VersionTarget(tenantName, modelName, target.Number), tenantName,
                new Dictionary<string, string> { ["state"] = WireNames.Of(target.State) });
            await db.SaveChangesAsync(cancellationToken);
            return ToResponse(target, modelName, files, null);
        }, cancellationToken);
    }

    /// <summary>
    /// Deletes a version: refused while an alias points at it or a live placement serves it; gives back the storage of
    /// the files no other version lists, and removes their objects.
    /// </summary>
    public async Task DeleteAsync(string tenantName, string modelName, string version, CancellationToken cancellationToken)
    {
        var (keys, openUploads) = await db.InTransactionAsync(async () =>
        {
            var found = await LoadAsync(tenantName, modelName, version, tracking: true, cancellationToken);
            var aliases = await db.ModelAliases.Where(a => a.ModelId == found.ModelId && a.VersionNumber == found.Number).Select(a => a.Name)
                .ToListAsync(cancellationToken);
            if (aliases.Count > 0)
            {
                throw new ConflictException("version-in-use", $"Version {found.Number} is the target of alias(es) {string.Join(", ", aliases)}; move them first.");
            }

            var serving = await LivePlacementsServing(found).Select(p => p.Name).ToListAsync(cancellationToken);
            if (serving.Count > 0)
            {
                throw new ConflictException("version-in-use", $"Version {found.Number} is served by live placement(s) {string.Join(", ", serving)}.",
                    new Dictionary<string, object?> { ["placements"] = serving });
            }

            var files = await FilesOfAsync(found.Id, cancellationToken);
            db.ModelVersions.Remove(found);
            audit.Record("model-version.delete", VersionTarget(tenantName, modelName, found.Number), tenantName,
                new Dictionary<string, string> { ["digest"] = found.Digest });
            await db.SaveChangesAsync(cancellationToken);
            var released = await blobs.ReleaseUnreferencedAsync(found.TenantId, tenantName, files.Select(f => f.Digest).Distinct().ToList(), cancellationToken);
            return (released, OpenUploads(tenantName, files));
        }, cancellationToken);
        await blobs.DeleteObjectsAsync(keys, openUploads, cancellationToken);
    }

    /// <summary>The multipart uploads a version's files may have left open (aborting a completed one is a no-op).</summary>
    internal static List<(string Key, string UploadId)> OpenUploads(string tenantName, IEnumerable<ModelVersionFile> files) =>
        files.Where(f => f.UploadId is not null).Select(f => (StoredBlob.KeyFor(tenantName, f.Digest), f.UploadId!)).ToList();

    /// <summary>A token (audience model-store) and a presigned GET per file of exactly this version, none expiring later than the token.</summary>
    public async Task<PullCredentialsResponse> PullCredentialsAsync(string tenantName, string modelName, string version, CancellationToken cancellationToken)
    {
        // The hot path: one statement finds the version by names with its files.
        var found = await blobs.WithFiles(ByNumberOrDigest(VersionsByNames(tenantName, modelName), version)).FirstOrDefaultAsync(cancellationToken);
        if (found is null)
        {
            // Only now find out which part is missing: LoadAsync names it.
            await LoadAsync(tenantName, modelName, version, tracking: false, cancellationToken);
            throw new ResourceNotFoundException("model version", version);
        }

        var ready = found.Version;
        if (ready.State != ModelVersionState.Ready)
        {
            throw new ConflictException("version-not-ready", $"Version {ready.Number} is {WireNames.Of(ready.State)}; only a ready version can be pulled.");
        }

        var lifetime = options.Value.PullCredentialLifetime;
        var token = tokens.MintModelPullToken(caller.Caller.Subject, tenantName, ready.Digest, lifetime);
        // Signed after the token, for what remains of its lifetime: no URL outlives it.
        var files = blobs.Downloads(found.Files, token.ExpiresAt - clock.GetUtcNow());
        await audit.AppendAsync("model-version.pull-credentials", VersionTarget(tenantName, modelName, ready.Number), tenantName,
            cancellationToken: cancellationToken);
        return new PullCredentialsResponse(token.Token, files.Count == 1 ? files[0].Url : null, files, token.ExpiresAt);
    }

    /// <summary>Ancestors through base-model digests (across the tenant's models), descendants, and the producing placement.</summary>
    public async Task<LineageResponse> LineageAsync(string tenantName, string modelName, string version, CancellationToken cancellationToken)
    {
        var found = await LoadAsync(tenantName, modelName, version, tracking: false, cancellationToken);
        var all = await db.ModelVersions.AsNoTracking().Where(v => v.TenantId == found.TenantId)
            .Join(db.Models.AsNoTracking(), v => v.ModelId, m => m.Id, (v, m) => new { Version = v, Model = m.Name })
            .ToListAsync(cancellationToken);
        var byDigest = all.GroupBy(x => x.Version.Digest).ToDictionary(g => g.Key, g => g.First());
        var ancestors = new List<LineageNode>();
        var seen = new HashSet<string> { found.Digest };
        for (var parent = found.Provenance.BaseModelDigest; parent is not null && seen.Add(parent) && byDigest.TryGetValue(parent, out var node);
             parent = node.Version.Provenance.BaseModelDigest)
        {
            ancestors.Add(new LineageNode(node.Model, node.Version.Number, node.Version.Digest));
        }

        var descendants = all.Where(x => x.Version.Provenance.BaseModelDigest == found.Digest)
            .Select(x => new LineageNode(x.Model, x.Version.Number, x.Version.Digest)).ToList();
        var servedBy = await LivePlacementsServing(found).OrderBy(p => p.Name)
            .Select(p => new ServingPlacement(p.Name, p.Phase)).ToListAsync(cancellationToken);
        return new LineageResponse(new LineageNode(modelName, found.Number, found.Digest), ancestors, found.Provenance.ProducingPlacement,
            descendants, servedBy);
    }

    private IQueryable<Domain.Placements.Placement> LivePlacementsServing(ModelVersion version) =>
        db.Placements.AsNoTracking().Where(p => p.TenantId == version.TenantId && p.ModelDigest == version.Digest
            && !Domain.Placements.PlacementPhases.Finished.Contains(p.Phase));

    private IQueryable<ModelVersion> VersionsByNames(string tenantName, string modelName) =>
        db.ModelVersions.AsNoTracking().Where(v => db.Models.Any(m => m.Id == v.ModelId && m.Name == modelName
            && db.Tenants.Any(t => t.Id == m.TenantId && t.Name == tenantName)));

    /// <summary>A version by number ("3") or by digest ("sha256:…").</summary>
    internal async Task<ModelVersion> LoadAsync(string tenantName, string modelName, string version, bool tracking, CancellationToken cancellationToken)
    {
        var model = await models.LoadAsync(tenantName, modelName, tracking: false, cancellationToken);
        var query = (tracking ? db.ModelVersions : db.ModelVersions.AsNoTracking()).Where(v => v.ModelId == model.Id);
        return await ByNumberOrDigest(query, version).FirstOrDefaultAsync(cancellationToken) ?? throw new ResourceNotFoundException("model version", version);
    }

    private static IQueryable<ModelVersion> ByNumberOrDigest(IQueryable<ModelVersion> query, string version) =>
        int.TryParse(version, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number)
            ? query.Where(v => v.Number == number)
            : query.Where(v => v.Digest == version);

    private (IReadOnlyList<ManifestFile> Files, VersionDigestSource Source, Provenance Provenance) Validate(RegisterVersionRequest request)
    {
        var errors = new FieldErrors();
        var (files, source) = ManifestRules.Validate(request, store.MaxArtifactBytes, errors);
        errors.AddIf(request.Format is null, "format", "is required: safetensors, onnx, gguf, tensorrt or pytorch");
        errors.AddIf(request.Quantization is null, "quantization", "is required: fp32, bf16, fp16, fp8, int8 or int4");
        var p = request.Provenance ?? new ProvenanceDto();
        errors.AddIf(p.BaseModelDigest is not null && !ModelVersion.IsValidDigest(p.BaseModelDigest), "provenance.baseModelDigest",
            "must be sha256:<64 lower-case hex digits>");
        errors.AddIf(p.BaseModelDigest is not null && files.Count > 0 && p.BaseModelDigest == ModelVersion.DigestFor(files, source), "provenance.baseModelDigest",
            "a version cannot be its own base model");
        errors.AddIf(p.ProducingPlacement is not null && !ResourceName.IsValid(p.ProducingPlacement), "provenance.producingPlacement", ResourceName.Rule);
        errors.AddIf(p.Hyperparameters is { ValueKind: not (JsonValueKind.Object or JsonValueKind.Null) }, "provenance.hyperparameters", "must be a JSON object");
        errors.AddIf(p.Hyperparameters?.GetRawText().Length > 64 * 1024, "provenance.hyperparameters", "at most 64 KiB");
        foreach (var (field, value) in new[] { ("trainingDataHash", p.TrainingDataHash), ("codeRepository", p.CodeRepository), ("codeCommit", p.CodeCommit) })
        {
            errors.AddIf(value?.Length > MaxProvenanceText, "provenance." + field, $"at most {MaxProvenanceText} characters");
        }

        foreach (var (key, problem) in Domain.Common.Labels.Validate(p.Labels))
        {
            errors.Add("provenance.labels." + key, problem);
        }

        errors.ThrowIfAny();
        return (files, source, new Provenance(p.TrainingDataHash, p.CodeRepository, p.CodeCommit,
            p.Hyperparameters is { ValueKind: JsonValueKind.Object } h ? h.GetRawText() : null, p.BaseModelDigest, p.ProducingPlacement, p.Labels));
    }

    internal static string VersionTarget(string tenant, string model, int number) =>
        $"{ModelService.Target(tenant, model)}/versions/{number.ToString(System.Globalization.CultureInfo.InvariantCulture)}";


    /// <summary>A version's files in manifest order.</summary>
    private async Task<List<ModelVersionFile>> FilesOfAsync(Guid versionId, CancellationToken cancellationToken) =>
        ModelManifest.Sorted(await db.ModelVersionFiles.AsNoTracking().Where(f => f.VersionId == versionId).ToListAsync(cancellationToken), f => f.Path);

    private async Task<IReadOnlyList<FileUpload>?> PlanIfPendingAsync(string tenantName, ModelVersion version, IReadOnlyList<ModelVersionFile> files,
        CancellationToken cancellationToken) =>
        version.State != ModelVersionState.PendingUpload
            ? null
            : uploads.Plan(tenantName, files, await blobs.StoredDigestsAsync(version.TenantId, files.Select(f => f.Digest), cancellationToken));

    internal static ModelVersionResponse ToResponse(ModelVersion v, string modelName, IEnumerable<ModelVersionFile> files, IReadOnlyList<FileUpload>? plan) => new(
        // files come in manifest order, and the plan follows them
        modelName, v.Number, v.Digest, v.DigestSource, v.SizeBytes, v.Format, v.Quantization,
        new ProvenanceDto(v.Provenance.TrainingDataHash, v.Provenance.CodeRepository, v.Provenance.CodeCommit,
            v.Provenance.Hyperparameters is { } h ? JsonDocument.Parse(h).RootElement.Clone() : null, v.Provenance.BaseModelDigest,
            v.Provenance.ProducingPlacement, v.Provenance.Labels),
        v.State, v.FailureReason,
        files.Select(f => new ManifestFileDto(f.Path, f.Digest, f.SizeBytes, f.MediaType)).ToList(), plan,
        v.CreatedAt, v.FinalizedAt);
}
