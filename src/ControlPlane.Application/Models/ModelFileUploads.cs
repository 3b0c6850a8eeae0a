using ControlPlane.Application.Common;
using ControlPlane.Domain.Models;
using Microsoft.Extensions.Options;

namespace ControlPlane.Application.Models;

/// <summary>
/// How each file of a pending version gets into the store: skipped when the tenant stores its digest already, one
/// presigned PUT up to the multipart threshold, an S3 multipart upload with presigned part URLs above it. Every upload
/// goes to the tenant's content-addressed key of the digest, so identical files of any version land on one object.
/// </summary>
public sealed class ModelFileUploads(IArtifactStore store, IOptions<ModelRegistryOptions> options)
{
    /// <summary>Starts a multipart upload for a file above the threshold (null: a single PUT does).</summary>
    public async Task<MultipartUpload?> StartAsync(string tenant, ManifestFile file, CancellationToken cancellationToken)
    {
        if (file.SizeBytes <= options.Value.MultipartThresholdBytes)
        {
            return null;
        }

        var uploadId = await store.StartMultipartUploadAsync(StoredBlob.KeyFor(tenant, file.Digest), cancellationToken);
        return new MultipartUpload(uploadId, MultipartUpload.PartSizeFor(file.SizeBytes, options.Value.MultipartPartSizeBytes));
    }

    /// <summary>The upload plan of every file, with fresh URLs (all parts of each multipart upload).</summary>
    public IReadOnlyList<FileUpload> Plan(string tenant, IEnumerable<ModelVersionFile> files, IReadOnlySet<string> storedDigests) =>
        files.Select(f => storedDigests.Contains(f.Digest)
                ? new FileUpload(f.Path, f.Digest, UploadMethod.Stored)
                : f.UploadId is null
                    ? PutPlan(tenant, f)
                    : PartsPlan(tenant, f, Enumerable.Range(1, f.PartCount)))
            .ToList();

    /// <summary>Fresh URLs for some parts of a file's multipart upload (a failed or expired part is asked again).</summary>
    public FileUpload PresignParts(string tenant, ModelVersionFile file, IReadOnlyList<int>? parts)
    {
        if (file.UploadId is null)
        {
            throw new ConflictException("not-multipart", $"File {file.Path} uploads with a single PUT (or is stored already), not by parts.");
        }

        var errors = new FieldErrors();
        errors.AddIf(parts is null or { Count: 0 }, "parts", "name at least one part number");
        errors.AddIf(parts?.Count > MultipartUpload.MaxParts, "parts", $"at most {MultipartUpload.MaxParts} part numbers");
        errors.AddIf(parts?.Any(p => p < 1 || p > file.PartCount) == true, "parts", $"part numbers run from 1 to {file.PartCount} for this file");
        errors.AddIf(parts is not null && parts.Distinct().Count() != parts.Count, "parts", "each part number once");
        errors.ThrowIfAny();
        return PartsPlan(tenant, file, parts!);
    }

    private FileUpload PutPlan(string tenant, ModelVersionFile file)
    {
        var url = store.PresignUpload(StoredBlob.KeyFor(tenant, file.Digest), options.Value.UploadUrlLifetime);
        return new FileUpload(file.Path, file.Digest, UploadMethod.Put, url.Url, url.ExpiresAt);
    }

    private FileUpload PartsPlan(string tenant, ModelVersionFile file, IEnumerable<int> numbers)
    {
        var key = StoredBlob.KeyFor(tenant, file.Digest);
        var lifetime = options.Value.UploadUrlLifetime;
        var parts = numbers.Select(n => (Number: n, Url: store.PresignUploadPart(key, file.UploadId!, n, lifetime))).ToList();
        return new FileUpload(file.Path, file.Digest, UploadMethod.Multipart, null, parts.Count == 0 ? null : parts.Min(p => p.Url.ExpiresAt),
            file.UploadId, file.PartSizeBytes, parts.Select(p => new PartUpload(p.Number, p.Url.Url)).ToList());
    }
}
