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

    /// <summary>A presigned GET per file of a ready version, valid for <paramref name="lifetime"/>.</summary>
    public async Task<IReadOnlyList<FileDownload>> DownloadsAsync(Guid versionId, Guid tenantId, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        var files = await db.ModelVersionFiles.AsNoTracking().Where(f => f.VersionId == versionId)
            .Join(db.StoredBlobs.AsNoTracking().Where(b => b.TenantId == tenantId), f => f.Digest, b => b.Digest,
                (f, b) => new { f.Path, f.Digest, f.SizeBytes, b.Key })
            .ToListAsync(cancellationToken);
        return ModelManifest.Sorted(files, f => f.Path)
            .Select(f => new FileDownload(f.Path, f.Digest, f.SizeBytes, store.PresignDownload(f.Key, lifetime).Url))
            .ToList();
    }
}
