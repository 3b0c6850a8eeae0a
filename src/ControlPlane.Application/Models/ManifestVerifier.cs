using System.Globalization;
using ControlPlane.Application.Common;
using ControlPlane.Domain.Models;

namespace ControlPlane.Application.Models;

/// <summary>
/// Finalize's work on the store, file by file: completes each multipart upload from the parts S3 lists, streams each
/// object through SHA-256, and adopts matching bytes as the tenant's blob at once, so a finalize that stops half-way
/// (a part missing, the quota full, the process gone) resumes with what remains. Files whose digest the tenant already
/// stores are skipped.
/// </summary>
public sealed class ManifestVerifier(IArtifactStore store, StoredBlobs blobs)
{
    /// <summary>
    /// The files whose stored bytes differ from the manifest (size or SHA-256), each as "path: reason". Throws a 409
    /// artifact-not-uploaded naming every file that is not complete yet (nothing uploaded, parts missing or of the wrong
    /// size) in `files`, and in `parts` the part numbers each multipart file still needs (a file absent from `parts` is
    /// uploaded whole): the version stays pending, and finalize can be called again once they are uploaded.
    /// </summary>
    public async Task<IReadOnlyList<string>> VerifyAsync(string tenant, Guid tenantId, IReadOnlyList<ModelVersionFile> files, CancellationToken cancellationToken)
    {
        var stored = await blobs.StoredDigestsAsync(tenantId, files.Select(f => f.Digest), cancellationToken);
        var mismatches = new List<string>();
        var incomplete = new Dictionary<string, object?>(StringComparer.Ordinal);
        var partsToUpload = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var file in files.Where(f => !stored.Contains(f.Digest)))
        {
            var key = StoredBlob.KeyFor(tenant, file.Digest);
            if (file.UploadId is { } uploadId && await store.ListPartsAsync(key, uploadId, cancellationToken) is { } parts)
            {
                // No such upload (null) means an earlier finalize completed it: the object is there to verify.
                if (PartProblem(file, parts) is { } problem)
                {
                    incomplete[file.Path] = problem.Reason;
                    partsToUpload[file.Path] = problem.Parts;
                    continue;
                }

                // Parts numbered beyond the plan are left out: S3 discards parts a completion does not list.
                await store.CompleteMultipartUploadAsync(key, uploadId, parts.Where(p => p.Number <= file.PartCount).OrderBy(p => p.Number).ToList(),
                    cancellationToken);
            }

            var artifact = await store.InspectAsync(key, cancellationToken);
            if (!artifact.Exists)
            {
                incomplete[file.Path] = "nothing uploaded";
            }
            else if (artifact.SizeBytes != file.SizeBytes)
            {
                mismatches.Add($"{file.Path}: size mismatch: registered {file.SizeBytes} bytes, stored {artifact.SizeBytes} bytes");
            }
            else if (!string.Equals("sha256:" + artifact.Sha256Hex, file.Digest, StringComparison.Ordinal))
            {
                mismatches.Add($"{file.Path}: digest mismatch: registered {file.Digest}, stored sha256:{artifact.Sha256Hex}");
            }
            else
            {
                await blobs.AdoptAsync(tenantId, file.ToManifestFile(), key, cancellationToken);
                stored.Add(file.Digest);
            }
        }

        if (mismatches.Count == 0 && incomplete.Count > 0)
        {
            throw new ConflictException("artifact-not-uploaded",
                $"Not uploaded completely yet: {string.Join("; ", incomplete.Select(i => $"{i.Key} ({i.Value})"))}. Upload them (fresh part URLs from "
                + ":upload-parts, a fresh PUT URL from GET on the version) and finalize again.",
                new Dictionary<string, object?> { ["files"] = incomplete, ["parts"] = partsToUpload });
        }

        return mismatches;
    }

    /// <summary>
    /// Why the listed parts cannot make the file, and which parts to upload (again): the missing numbers, else those of
    /// another size than the plan says; null when the parts make the file.
    /// </summary>
    private static (string Reason, IReadOnlyList<int> Parts)? PartProblem(ModelVersionFile file, IReadOnlyList<UploadedPart> parts)
    {
        var count = file.PartCount;
        var partSize = file.PartSizeBytes!.Value;
        var byNumber = parts.ToDictionary(p => p.Number);
        var missing = Enumerable.Range(1, count).Where(n => !byNumber.ContainsKey(n)).ToList();
        if (missing.Count > 0)
        {
            return ($"{missing.Count} of {count} parts missing: {string.Join(", ", missing.Take(20).Select(n => n.ToString(CultureInfo.InvariantCulture)))}"
                + (missing.Count > 20 ? ", …" : ""), missing);
        }

        var wrong = parts.Where(p => p.Number <= count).OrderBy(p => p.Number)
            .Select(p => (p.Number, p.SizeBytes, Expected: p.Number < count ? partSize : file.SizeBytes - (count - 1) * partSize))
            .Where(p => p.SizeBytes != p.Expected).ToList();
        return wrong.Count == 0
            ? null
            : ($"part {wrong[0].Number} has {wrong[0].SizeBytes} bytes, expected {wrong[0].Expected}; upload it again", wrong.Select(p => p.Number).ToList());
    }
}
