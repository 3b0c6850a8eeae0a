namespace ControlPlane.Domain.Models;

/// <summary>
/// One file of a version's manifest, with its upload while the version is pending. The bytes live in the tenant's
/// <see cref="StoredBlob"/> of the same digest once verified, shared by every version that lists that digest.
/// </summary>
public sealed class ModelVersionFile
{
    private ModelVersionFile()
    {
    }

    public Guid VersionId { get; private set; }

    /// <summary>The tenant (denormalised): blobs are shared per tenant and digest, so references are counted by it.</summary>
    public Guid TenantId { get; private set; }

    public string Path { get; private set; } = "";
    public string Digest { get; private set; } = "";
    public long SizeBytes { get; private set; }
    public string MediaType { get; private set; } = "";

    /// <summary>The S3 multipart upload of a file above the threshold (null for a single PUT or a file already stored).</summary>
    public string? UploadId { get; private set; }

    /// <summary>Size of every part but the last (which may be smaller) of the multipart upload.</summary>
    public long? PartSizeBytes { get; private set; }

    public ManifestFile ToManifestFile() => new(Path, Digest, SizeBytes, MediaType);

    public static ModelVersionFile Of(Guid versionId, Guid tenantId, ManifestFile file, MultipartUpload? multipart) => new()
    {
        VersionId = versionId,
        TenantId = tenantId,
        Path = file.Path,
        Digest = file.Digest,
        SizeBytes = file.SizeBytes,
        MediaType = file.MediaType,
        UploadId = multipart?.UploadId,
        PartSizeBytes = multipart?.PartSizeBytes,
    };

    /// <summary>The number of parts the multipart upload has (0 without one).</summary>
    public int PartCount => PartSizeBytes is { } part ? (int)((SizeBytes + part - 1) / part) : 0;
}

/// <summary>An S3 multipart upload and the size of its parts.</summary>
public sealed record MultipartUpload(string UploadId, long PartSizeBytes)
{
    /// <summary>S3's limits: at most 10,000 parts, each at least 5 MiB except the last, at most 5 GiB.</summary>
    public const int MaxParts = 10_000;
    public const long MinPartSizeBytes = 5L * 1024 * 1024;
    public const long MaxPartSizeBytes = 5L * 1024 * 1024 * 1024;

    /// <summary>The configured part size, or the smallest whole-MiB size that keeps a large file within 10,000 parts.</summary>
    public static long PartSizeFor(long fileSize, long preferredPartSize)
    {
        const long MiB = 1024 * 1024;
        var fitting = (fileSize + MaxParts - 1) / MaxParts;
        return Math.Max(preferredPartSize, (fitting + MiB - 1) / MiB * MiB);
    }
}
