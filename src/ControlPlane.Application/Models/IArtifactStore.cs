namespace ControlPlane.Application.Models;

/// <summary>A presigned URL and when it stops working.</summary>
public sealed record PresignedUrl(Uri Url, DateTimeOffset ExpiresAt);

/// <summary>What the store holds under a key, verified by streaming it through SHA-256.</summary>
/// <param name="Exists">False when nothing was uploaded under the key.</param>
/// <param name="SizeBytes">The stored object's size.</param>
/// <param name="Sha256Hex">Lower-case hex SHA-256 of the stored bytes (null when the object does not exist).</param>
public sealed record StoredArtifact(bool Exists, long SizeBytes, string? Sha256Hex);

/// <summary>A part the store holds of a multipart upload.</summary>
/// <param name="Number">Part number.</param>
/// <param name="ETag">The store's ETag of the part (needed to complete the upload).</param>
/// <param name="SizeBytes">The part's size.</param>
public sealed record UploadedPart(int Number, string ETag, long SizeBytes);

/// <summary>
/// The S3-compatible object store holding model artifacts (one bucket, tenant prefixes). Calls that reach the store
/// throw <see cref="ObjectStoreUnavailableException"/> when it cannot be reached, times out or fails on its side.
/// </summary>
public interface IArtifactStore
{
    /// <summary>The largest artifact this store accepts (configuration ObjectStore:MaxArtifactBytes).</summary>
    long MaxArtifactBytes { get; }

    /// <summary>The bucket artifacts live in (for s3:// URIs).</summary>
    string Bucket { get; }

    /// <summary>A URL the caller PUTs the artifact to, valid for <paramref name="lifetime"/>.</summary>
    PresignedUrl PresignUpload(string key, TimeSpan lifetime);

    /// <summary>Starts an S3 multipart upload to the key; returns its upload id.</summary>
    Task<string> StartMultipartUploadAsync(string key, CancellationToken cancellationToken);

    /// <summary>A URL the caller PUTs one part's bytes to, valid for <paramref name="lifetime"/>.</summary>
    PresignedUrl PresignUploadPart(string key, string uploadId, int partNumber, TimeSpan lifetime);

    /// <summary>Every part uploaded so far, by number (all pages of ListParts); null when no such upload exists (completed or aborted).</summary>
    Task<IReadOnlyList<UploadedPart>?> ListPartsAsync(string key, string uploadId, CancellationToken cancellationToken);

    /// <summary>
    /// Assembles the object from the parts. An upload that no longer exists was completed already (a timed-out attempt
    /// the store finished anyway) or aborted: nothing to do, the object's presence and bytes tell which.
    /// </summary>
    Task CompleteMultipartUploadAsync(string key, string uploadId, IReadOnlyList<UploadedPart> parts, CancellationToken cancellationToken);

    /// <summary>Drops an unfinished multipart upload and its parts; an unknown upload is fine.</summary>
    Task AbortMultipartUploadAsync(string key, string uploadId, CancellationToken cancellationToken);

    /// <summary>A URL the caller GETs the artifact from, valid for <paramref name="lifetime"/>.</summary>
    PresignedUrl PresignDownload(string key, TimeSpan lifetime);

    /// <summary>Reads the object's size and streams it through SHA-256 (the store's own checksum only where it has one).</summary>
    Task<StoredArtifact> InspectAsync(string key, CancellationToken cancellationToken);

    /// <summary>Removes the object; absent objects are fine.</summary>
    Task DeleteAsync(string key, CancellationToken cancellationToken);

    /// <summary>True when the bucket answers (readiness).</summary>
    Task<bool> IsReachableAsync(CancellationToken cancellationToken);
}

/// <summary>The object store is unreachable, timed out or failed on its side: a transient failure of the request (503).</summary>
public sealed class ObjectStoreUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
