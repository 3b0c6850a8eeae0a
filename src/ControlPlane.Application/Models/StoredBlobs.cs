using ControlPlane.Application.Abstractions;
using ControlPlane.Application.Common;
using ControlPlane.Application.Quotas;
using ControlPlane.Domain.Models;
using ControlPlane.Domain.Quotas;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Application.Models;

/// <summary>
/// A tenant's verified bytes, once per digest: what registration skips (dedup across versions and models), what
/// storage.bytes counts (distinct bytes), what pulls read, and what deletes give back once no version lists a digest.
/// </summary>
public sealed class StoredBlobs(IControlPlaneDb db, IQuotaLocks quotaLocks, IArtifactStore store, TimeProvider clock)
{
    /// <summary>The digests among <paramref name="digests"/> this tenant already stores.</summary>
    public async Task<HashSet<string>> StoredDigestsAsync(Guid tenantId, IEnumerable<string> digests, CancellationToken cancellationToken)
    {
        var wanted = digests.Distinct(StringComparer.Ordinal).ToList();
        var stored = await db.StoredBlobs.AsNoTracking().Where(b => b.TenantId == tenantId && wanted.Contains(b.Digest)).Select(b => b.Digest)
            .ToListAsync(cancellationToken);
        return stored.ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>
    /// Records verified bytes and counts them against storage.bytes, in a transaction of its own so a later file's
    /// failure keeps this one done (finalize resumes where it stopped). The quota row lock serialises two finalizes of
    /// one digest: the second finds the first's blob and counts nothing.
    /// </summary>
    public Task AdoptAsync(Guid tenantId, ManifestFile file, string key, CancellationToken cancellationToken) =>
        db.InTransactionAsync(async () =>
        {
            var quota = (await quotaLocks.LockAsync(tenantId, [QuotaResource.StorageBytes], cancellationToken)).GetValueOrDefault(QuotaResource.StorageBytes);
            if (await db.StoredBlobs.AnyAsync(b => b.TenantId == tenantId && b.Digest == file.Digest, cancellationToken))
            {
                return true;
            }

            if (quota is null || !quota.CanReserve(file.SizeBytes))
            {
                throw new ConflictException("quota-exceeded",
                    $"Quota storage.bytes no longer has room for {file.Path} ({file.SizeBytes} bytes); raise it or delete other versions, then finalize again.");
            }

            var now = clock.GetUtcNow();
            quota.Reserve(file.SizeBytes, now);
            db.StoredBlobs.Add(StoredBlob.Verified(tenantId, file.Digest, file.SizeBytes, key, now));
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }, cancellationToken);

    /// <summary>
    /// After versions were removed (and saved) in the caller's transaction: drops the blobs of <paramref name="digests"/>
    /// that no remaining version lists (pending ones included: they were told "stored"), gives their bytes back to
    /// storage.bytes, and returns the object keys to delete once the transaction commits.
    /// </summary>
    public async Task<IReadOnlyList<string>> ReleaseUnreferencedAsync(Guid tenantId, string tenantName, IReadOnlyCollection<string> digests,
        CancellationToken cancellationToken)
    {
        var stillListed = await db.ModelVersionFiles.Where(f => f.TenantId == tenantId && digests.Contains(f.Digest)).Select(f => f.Digest)
            .Distinct().ToListAsync(cancellationToken);
        var unreferenced = digests.Except(stillListed, StringComparer.Ordinal).ToList();
        if (unreferenced.Count == 0)
        {
            return [];
        }

        var quota = (await quotaLocks.LockAsync(tenantId, [QuotaResource.StorageBytes], cancellationToken)).GetValueOrDefault(QuotaResource.StorageBytes);
        var blobs = await db.StoredBlobs.Where(b => b.TenantId == tenantId && unreferenced.Contains(b.Digest)).ToListAsync(cancellationToken);
        quota?.Release(blobs.Sum(b => b.SizeBytes), clock.GetUtcNow());
        db.StoredBlobs.RemoveRange(blobs);
        await db.SaveChangesAsync(cancellationToken);
        // Unverified digests may have left an upload at the shared key: it goes too.
        return blobs.Select(b => b.Key).Concat(unreferenced.Select(d => StoredBlob.KeyFor(tenantName, d))).Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>Deletes objects after the commit that released them: a failure leaves an orphan, never a version without bytes.</summary>
    public async Task DeleteObjectsAsync(IEnumerable<string> keys, IEnumerable<(string Key, string UploadId)> uploads, CancellationToken cancellationToken)
    {
        foreach (var (key, uploadId) in uploads)
        {
            await store.AbortMultipartUploadAsync(key, uploadId, cancellationToken);
        }

        foreach (var key in keys)
        {
            await store.DeleteAsync(key, cancellationToken);
        }
    }

    /// <summary>
    /// Each of <paramref name="versions"/> with its model's name and its files' stored objects, in the one statement
    /// that finds it: pulls ask for nothing else (a file whose bytes are not stored yet has no object and is left out).
    /// </summary>
    public IQueryable<VersionWithFiles> WithFiles(IQueryable<ModelVersion> versions) =>
        versions.Select(v => new VersionWithFiles(v,
            db.Models.Where(m => m.Id == v.ModelId).Select(m => m.Name).First(),
            db.ModelVersionFiles.Where(f => f.VersionId == v.Id)
                .Join(db.StoredBlobs.Where(b => b.TenantId == v.TenantId), f => f.Digest, b => b.Digest,
                    (f, b) => new StoredFile(f.Path, f.Digest, f.SizeBytes, b.Key))
                .ToList()));

    /// <summary>A presigned GET per file, in manifest order, valid for <paramref name="lifetime"/>.</summary>
    public IReadOnlyList<FileDownload> Downloads(IEnumerable<StoredFile> files, TimeSpan lifetime) =>
        ModelManifest.Sorted(files, f => f.Path)
            .Select(f => new FileDownload(f.Path, f.Digest, f.SizeBytes, store.PresignDownload(f.Key, lifetime).Url))
            .ToList();
}

/// <summary>A version as a pull reads it: the row, its model's name, and where each file's bytes are stored.</summary>
public sealed record VersionWithFiles(ModelVersion Version, string Model, List<StoredFile> Files);

/// <summary>A file of a version and the object key of its verified bytes.</summary>
public sealed record StoredFile(string Path, string Digest, long SizeBytes, string Key);
