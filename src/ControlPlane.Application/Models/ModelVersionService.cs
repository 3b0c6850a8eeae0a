using System.Text.Json;
using ControlPlane.Application.Abstractions;
using ControlPlane.Application.Audit;
using ControlPlane.Application.Common;
using ControlPlane.Application.Quotas;
using ControlPlane.Domain.Common;
using ControlPlane.Domain.Models;
using ControlPlane.Domain.Quotas;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ControlPlane.Application.Models;

/// <summary>
/// Immutable, content-addressed versions: registered by digest with a presigned upload, finalized by verifying the
/// stored bytes (size and streamed SHA-256), counted against storage.bytes, pulled with short-lived credentials.
/// </summary>
public sealed class ModelVersionService(IControlPlaneDb db, ModelService models, IModelLocks locks, IQuotaLocks quotaLocks, IArtifactStore store, ITokenMinter tokens,
    ICallerContext caller, IOptions<ModelRegistryOptions> options, AuditTrail audit, TimeProvider clock)
{
    private const int MaxProvenanceText = 500;

    public async Task<ModelVersionResponse> RegisterAsync(string tenantName, string modelName, RegisterVersionRequest request,
        CancellationToken cancellationToken)
    {
        var provenance = Validate(request);
        return await db.InTransactionAsync(async () =>
        {
            var model = await locks.LockModelAsync(tenantName, modelName, cancellationToken)
                ?? throw new ResourceNotFoundException("model", modelName);
            var tenant = await db.Tenants.AsNoTracking().FirstAsync(t => t.Id == model.TenantId, cancellationToken);
            tenant.EnsureCanCreate();
            if (await db.ModelVersions.AnyAsync(v => v.ModelId == model.Id && v.Digest == request.Digest, cancellationToken))
            {
                throw new ConflictException("already-exists", $"Model '{modelName}' already has a version with digest {request.Digest}.");
            }

            // Finalized bytes count against storage.bytes; refuse now what could never be finalized within the quota.
            var quota = await db.Quotas.AsNoTracking()
                .FirstOrDefaultAsync(q => q.TenantId == model.TenantId && q.Resource == QuotaResource.StorageBytes, cancellationToken);
            if (quota is null || !quota.CanReserve(request.SizeBytes))
            {
                throw new ConflictException("quota-exceeded", quota is null
                    ? "The tenant has no quota for storage.bytes."
                    : $"Quota storage.bytes has {quota.Remaining} of {quota.Limit} bytes left; this version needs {request.SizeBytes}.");
            }

            var now = clock.GetUtcNow();
            var version = ModelVersion.Register(model.Id, model.TenantId, tenantName, modelName, model.TakeVersionNumber(now), request.Digest,
                request.SizeBytes, request.Format!.Value, request.Quantization!.Value, provenance, now);
            db.ModelVersions.Add(version);
            audit.Record("model-version.register", VersionTarget(tenantName, modelName, version.Number), tenantName,
                new Dictionary<string, string> { ["digest"] = version.Digest });
            await db.SaveChangesAsync(cancellationToken);
            return ToResponse(version, modelName, store.PresignUpload(version.ArtifactKey, options.Value.UploadUrlLifetime));
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
        return page.ToPage(rows, v => v.Number.ToString(System.Globalization.CultureInfo.InvariantCulture), v => ToResponse(v, modelName, null));
    }

    public async Task<ModelVersionResponse> GetAsync(string tenantName, string modelName, string version, CancellationToken cancellationToken)
    {
        var found = await LoadAsync(tenantName, modelName, version, tracking: false, cancellationToken);
        return ToResponse(found, modelName, null);
    }

    /// <summary>Verifies the stored object's size and SHA-256; ready counts its bytes against storage.bytes.</summary>
    public async Task<ModelVersionResponse> FinalizeAsync(string tenantName, string modelName, string version, CancellationToken cancellationToken)
    {
        var pending = await LoadAsync(tenantName, modelName, version, tracking: false, cancellationToken);
        if (pending.State != ModelVersionState.PendingUpload)
        {
            throw new ConflictException("version-not-pending", $"Version {pending.Number} is already {Wire(pending.State)}.");
        }

        // Hash outside any transaction: a large artifact takes seconds, and no row should stay locked meanwhile.
        var stored = await store.InspectAsync(pending.ArtifactKey, cancellationToken);
        return await db.InTransactionAsync(async () =>
        {
            var target = await locks.LockVersionAsync(pending.Id, cancellationToken);
            var now = clock.GetUtcNow();
            target.Finalize(stored.Exists, stored.SizeBytes, stored.Sha256Hex, now);
            if (target.State == ModelVersionState.Ready)
            {
                var quota = (await quotaLocks.LockAsync(target.TenantId, [QuotaResource.StorageBytes], cancellationToken)).GetValueOrDefault(QuotaResource.StorageBytes);
                if (quota is null || !quota.CanReserve(target.SizeBytes))
                {
                    throw new ConflictException("quota-exceeded", "Quota storage.bytes no longer has room for this version; raise it or delete other versions, then finalize again.");
                }

                quota.Reserve(target.SizeBytes, now);
            }

            audit.Record("model-version.finalize", VersionTarget(tenantName, modelName, target.Number), tenantName,
                new Dictionary<string, string> { ["state"] = Wire(target.State) });
            await db.SaveChangesAsync(cancellationToken);
            return ToResponse(target, modelName, null);
        }, cancellationToken);
    }

    /// <summary>
    /// Deletes a version: refused while an alias points at it or a live placement serves it; gives back its storage
    /// and removes its artifact (keys are per model and digest, so no other version shares it).
    /// </summary>
    public async Task DeleteAsync(string tenantName, string modelName, string version, CancellationToken cancellationToken)
    {
        var key = await db.InTransactionAsync(async () =>
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

            if (found.State == ModelVersionState.Ready)
            {
                var quota = (await quotaLocks.LockAsync(found.TenantId, [QuotaResource.StorageBytes], cancellationToken)).GetValueOrDefault(QuotaResource.StorageBytes);
                quota?.Release(found.SizeBytes, clock.GetUtcNow());
            }

            db.ModelVersions.Remove(found);
            audit.Record("model-version.delete", VersionTarget(tenantName, modelName, found.Number), tenantName,
                new Dictionary<string, string> { ["digest"] = found.Digest });
            await db.SaveChangesAsync(cancellationToken);
            return found.ArtifactKey;
        }, cancellationToken);
        // After the commit: a failed object delete leaves an orphaned object, never a version without its bytes.
        await store.DeleteAsync(key, cancellationToken);
    }

    /// <summary>A token (audience model-store) and a presigned GET for exactly this version that expires no later than the token.</summary>
    public async Task<PullCredentialsResponse> PullCredentialsAsync(string tenantName, string modelName, string version, CancellationToken cancellationToken)
    {
        // The hot path: one query by names; only when it finds nothing does LoadAsync say which part is missing.
        var found = await FindByNamesAsync(tenantName, modelName, version, cancellationToken)
            ?? await LoadAsync(tenantName, modelName, version, tracking: false, cancellationToken);
        if (found.State != ModelVersionState.Ready)
        {
            throw new ConflictException("version-not-ready", $"Version {found.Number} is {Wire(found.State)}; only a ready version can be pulled.");
        }

        var lifetime = options.Value.PullCredentialLifetime;
        var token = tokens.MintModelPullToken(caller.Caller.Subject, tenantName, found.Digest, lifetime);
        var url = store.PresignDownload(found.ArtifactKey, token.ExpiresAt - clock.GetUtcNow());
        await audit.AppendAsync("model-version.pull-credentials", VersionTarget(tenantName, modelName, found.Number), tenantName,
            cancellationToken: cancellationToken);
        return new PullCredentialsResponse(token.Token, url.Url, token.ExpiresAt < url.ExpiresAt ? token.ExpiresAt : url.ExpiresAt);
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

    private Task<ModelVersion?> FindByNamesAsync(string tenantName, string modelName, string version, CancellationToken cancellationToken)
    {
        var query = db.ModelVersions.AsNoTracking().Where(v => db.Models.Any(m => m.Id == v.ModelId && m.Name == modelName
            && db.Tenants.Any(t => t.Id == m.TenantId && t.Name == tenantName)));
        return ByNumberOrDigest(query, version).FirstOrDefaultAsync(cancellationToken);
    }

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

    private Provenance Validate(RegisterVersionRequest request)
    {
        var errors = new FieldErrors();
        errors.AddIf(!ModelVersion.IsValidDigest(request.Digest), "digest", "must be sha256:<64 lower-case hex digits>");
        errors.AddIf(request.SizeBytes <= 0 || request.SizeBytes > store.MaxArtifactBytes, "sizeBytes",
            $"must be between 1 and {store.MaxArtifactBytes} bytes");
        errors.AddIf(request.Format is null, "format", "is required: safetensors, onnx, gguf, tensorrt or pytorch");
        errors.AddIf(request.Quantization is null, "quantization", "is required: fp32, bf16, fp16, fp8, int8 or int4");
        var p = request.Provenance ?? new ProvenanceDto();
        errors.AddIf(p.BaseModelDigest is not null && !ModelVersion.IsValidDigest(p.BaseModelDigest), "provenance.baseModelDigest",
            "must be sha256:<64 lower-case hex digits>");
        errors.AddIf(p.BaseModelDigest is not null && p.BaseModelDigest == request.Digest, "provenance.baseModelDigest", "a version cannot be its own base model");
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
        return new Provenance(p.TrainingDataHash, p.CodeRepository, p.CodeCommit,
            p.Hyperparameters is { ValueKind: JsonValueKind.Object } h ? h.GetRawText() : null, p.BaseModelDigest, p.ProducingPlacement, p.Labels);
    }

    internal static string VersionTarget(string tenant, string model, int number) =>
        $"{ModelService.Target(tenant, model)}/versions/{number.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    private static string Wire(ModelVersionState state) => JsonNamingPolicy.KebabCaseLower.ConvertName(state.ToString());

    internal ModelVersionResponse ToResponse(ModelVersion v, string modelName, PresignedUrl? upload) => new(
        modelName, v.Number, v.Digest, v.SizeBytes, v.Format, v.Quantization,
        new ProvenanceDto(v.Provenance.TrainingDataHash, v.Provenance.CodeRepository, v.Provenance.CodeCommit,
            v.Provenance.Hyperparameters is { } h ? JsonDocument.Parse(h).RootElement.Clone() : null, v.Provenance.BaseModelDigest,
            v.Provenance.ProducingPlacement, v.Provenance.Labels),
        v.State, v.FailureReason, $"s3://{store.Bucket}/{v.ArtifactKey}", upload is null ? null : new UploadTarget(upload.Url, upload.ExpiresAt),
        v.CreatedAt, v.FinalizedAt);
}
