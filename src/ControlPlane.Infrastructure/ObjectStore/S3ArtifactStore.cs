using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using ControlPlane.Application.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ControlPlane.Infrastructure.ObjectStore;

/// <summary>
/// <see cref="IArtifactStore"/> on any S3-compatible server (AWS S3, MinIO, Ceph, s3rver) through AWSSDK.S3.
/// Thread-safe; one instance per process (it owns the SDK client and its connection pool).
/// </summary>
public sealed class S3ArtifactStore : IArtifactStore, IDisposable
{
    /// <summary>SigV4 presigned URLs cannot live longer than seven days.</summary>
    public static readonly TimeSpan MaxUrlLifetime = TimeSpan.FromDays(7);

    // Large reads keep the per-call overhead (async state machine, hash update) negligible next to hashing itself.
    private const int HashBufferBytes = 1024 * 1024;

    private const string EmptySha256Hex = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    // A readiness probe must answer quickly; an unreachable store is "not ready", not a hung probe.
    private static readonly TimeSpan ReachabilityTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Pulls of one version come in bursts (every replica of a rollout, every retry): a download URL signed within this
    /// window is handed out again instead of signing anew (signing costs ~0.2 ms of CPU in the SDK). It expires no later
    /// than a fresh one would, at most this much earlier.
    /// </summary>
    private static readonly TimeSpan DownloadReuseWindow = TimeSpan.FromSeconds(10);

    private const int MaxRememberedDownloads = 10_000;

    /// <summary>
    /// S3 documents that completing a multipart upload "could take several minutes" (it answers only when the object is
    /// assembled; s3rver needs over 30 s for a gigabyte): completions get their own client with this header timeout.
    /// </summary>
    private static readonly TimeSpan CompletionTimeout = TimeSpan.FromMinutes(15);

    private readonly ConcurrentDictionary<string, PresignedUrl> _recentDownloads = new(StringComparer.Ordinal);
    private readonly AmazonS3Client _client;
    private readonly AmazonS3Client _completer;

    // Signs URLs for the public endpoint (SigV4 signs the host): the same client as _client unless PublicServiceUrl is set.
    private readonly AmazonS3Client _presigner;
    private readonly string _bucket;
    private readonly Protocol _urlProtocol;
    private readonly ILogger _logger;

    /// <summary>Creates the store and its SDK client; options are expected to be validated already.</summary>
    public S3ArtifactStore(ObjectStoreOptions options, ILogger<S3ArtifactStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _bucket = options.Bucket;
        MaxArtifactBytes = options.MaxArtifactBytes;
        _logger = logger ?? NullLogger<S3ArtifactStore>.Instance;
        _client = S3ClientFactory.Create(options);
        _completer = S3ClientFactory.Create(options, timeout: CompletionTimeout);
        var publicUrl = string.IsNullOrEmpty(options.PublicServiceUrl) ? options.ServiceUrl : options.PublicServiceUrl;
        _presigner = publicUrl == options.ServiceUrl ? _client : S3ClientFactory.Create(options, publicUrl);
        // The SDK presigns https unless told otherwise: an http endpoint (s3rver, in-cluster MinIO) needs http URLs.
        _urlProtocol = publicUrl is { Length: > 0 } url && url.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
            ? Protocol.HTTP
            : Protocol.HTTPS;
    }

    /// <summary>The bucket every key lives in.</summary>
    public string Bucket => _bucket;

    /// <summary>The largest artifact accepted at registration.</summary>
    public long MaxArtifactBytes { get; }

    public PresignedUrl PresignUpload(string key, TimeSpan lifetime) => Presign(key, lifetime, HttpVerb.PUT);

    public Task<string> StartMultipartUploadAsync(string key, CancellationToken cancellationToken) => ReachStoreAsync(async () =>
        (await _client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = _bucket, Key = key }, cancellationToken)).UploadId,
        cancellationToken);

    public PresignedUrl PresignUploadPart(string key, string uploadId, int partNumber, TimeSpan lifetime) =>
        Presign(key, lifetime, HttpVerb.PUT, uploadId, partNumber);

    public Task<IReadOnlyList<UploadedPart>?> ListPartsAsync(string key, string uploadId, CancellationToken cancellationToken) =>
        ReachStoreAsync(() => ListAllPartsAsync(key, uploadId, cancellationToken), cancellationToken);

    private async Task<IReadOnlyList<UploadedPart>?> ListAllPartsAsync(string key, string uploadId, CancellationToken cancellationToken)
    {
        var parts = new List<UploadedPart>();
        var request = new ListPartsRequest { BucketName = _bucket, Key = key, UploadId = uploadId };
        try
        {
            // S3 answers at most 1,000 parts a page; a 10,000-part upload takes ten.
            while (true)
            {
                var page = await _client.ListPartsAsync(request, cancellationToken);
                parts.AddRange((page.Parts ?? []).Select(p => new UploadedPart(p.PartNumber ?? 0, p.ETag, p.Size ?? 0)));
                if (page.IsTruncated != true)
                {
                    return parts;
                }

                request.PartNumberMarker = page.NextPartNumberMarker?.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public Task CompleteMultipartUploadAsync(string key, string uploadId, IReadOnlyList<UploadedPart> parts, CancellationToken cancellationToken) =>
        ReachStoreAsync(async () =>
        {
            try
            {
                await _completer.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
                {
                    BucketName = _bucket,
                    Key = key,
                    UploadId = uploadId,
                    PartETags = parts.Select(p => new PartETag(p.Number, p.ETag)).ToList(),
                }, cancellationToken);
            }
            catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
            {
                // Completed by an earlier attempt (the SDK's own retry after a timeout, or another finalize) or aborted.
            }
        }, cancellationToken);

    public Task AbortMultipartUploadAsync(string key, string uploadId, CancellationToken cancellationToken) =>
        ReachStoreAsync(async () =>
        {
            try
            {
                await _client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = _bucket, Key = key, UploadId = uploadId },
                    cancellationToken);
            }
            catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
            {
                // Completed or aborted already.
            }
        }, cancellationToken);

    public PresignedUrl PresignDownload(string key, TimeSpan lifetime)
    {
        var latest = ExpiryFor(lifetime);
        if (_recentDownloads.TryGetValue(key, out var recent) && recent.ExpiresAt <= latest && recent.ExpiresAt > latest - DownloadReuseWindow)
        {
            return recent;
        }

        var fresh = Presign(key, lifetime, HttpVerb.GET);
        if (_recentDownloads.Count >= MaxRememberedDownloads)
        {
            _recentDownloads.Clear();
        }

        _recentDownloads[key] = fresh;
        return fresh;
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken) =>
        ReachStoreAsync(() => _client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = _bucket, Key = key }, cancellationToken), cancellationToken);

    public Task<StoredArtifact> InspectAsync(string key, CancellationToken cancellationToken) =>
        ReachStoreAsync(() => InspectObjectAsync(key, cancellationToken), cancellationToken);

    /// <summary>
    /// Runs a call that reaches the store; an outage (unreachable, timed out, a 5xx after the SDK's retries, a body cut
    /// short) becomes <see cref="ObjectStoreUnavailableException"/>, which the API answers 503: the store failed, not the
    /// request, and finalize resumes where it stopped when retried.
    /// </summary>
    private static async Task ReachStoreAsync(Func<Task> call, CancellationToken cancellationToken)
    {
        try
        {
            await call();
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested
            && ex is HttpRequestException or TimeoutException or TaskCanceledException or IOException
                or AmazonServiceException { StatusCode: >= HttpStatusCode.InternalServerError })
        {
            throw new ObjectStoreUnavailableException($"The object store did not answer: {ex.Message}", ex);
        }
    }

    /// <summary><see cref="ReachStoreAsync(Func{Task}, CancellationToken)"/> for a call with a result.</summary>
    private static async Task<T> ReachStoreAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken)
    {
        T result = default!;
        await ReachStoreAsync(async () => { result = await call(); }, cancellationToken);
        return result;
    }

    private async Task<StoredArtifact> InspectObjectAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        try
        {
            // HEAD first: a missing object (the common "not uploaded yet" case) costs no body transfer.
            var head = await _client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = _bucket, Key = key }, cancellationToken);
            var size = head.ContentLength;
            if (size == 0)
            {
                return new StoredArtifact(true, 0, EmptySha256Hex);
            }

            // The explicit whole-object range keeps the SDK from wrapping the body in its MD5-against-ETag check, which
            // cuts throughput to a third; SHA-256 verifies the bytes anyway. If-Match pins the object HEAD measured.
            using var response = await _client.GetObjectAsync(new GetObjectRequest
            {
                BucketName = _bucket,
                Key = key,
                ByteRange = new ByteRange(0, size - 1),
                EtagToMatch = head.ETag,
            }, cancellationToken);
            var (hashed, sha256) = await HashAsync(response.ResponseStream, cancellationToken);
            return hashed == size
                ? new StoredArtifact(true, size, sha256)
                : throw new IOException($"Object {_bucket}/{key} ended after {hashed} of {size} bytes.");
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return new StoredArtifact(false, 0, null);
        }
    }

    public async Task<bool> IsReachableAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ReachabilityTimeout);
        try
        {
            await ProbeBucketAsync(timeout.Token);
            return true;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            _logger.LogWarning("Object store bucket {Bucket} unreachable: {Reason}", _bucket, ex.Message);
            return false;
        }
    }

    /// <summary>Creates the bucket when it does not exist (development and test startup; production buckets are provisioned).</summary>
    /// <returns>True when the bucket was created by this call.</returns>
    public async Task<bool> EnsureBucketAsync(CancellationToken cancellationToken)
    {
        try
        {
            await ProbeBucketAsync(cancellationToken);
            return false;
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            try
            {
                await _client.PutBucketAsync(new PutBucketRequest { BucketName = _bucket }, cancellationToken);
                return true;
            }
            catch (AmazonS3Exception raced) when (raced is BucketAlreadyOwnedByYouException or BucketAlreadyExistsException)
            {
                // Another replica created it first.
                return false;
            }
        }
    }

    public void Dispose()
    {
        _client.Dispose();
        _completer.Dispose();
        if (_presigner != _client)
        {
            _presigner.Dispose();
        }
    }

    // GetBucketLocation proves the endpoint answers, the credentials work and the bucket exists (404 otherwise)
    // without listing: s3rver answers a listing with 500 once the bucket holds an empty object.
    private Task ProbeBucketAsync(CancellationToken cancellationToken) =>
        _client.GetBucketLocationAsync(new GetBucketLocationRequest { BucketName = _bucket }, cancellationToken);

    private PresignedUrl Presign(string key, TimeSpan lifetime, HttpVerb verb, string? uploadId = null, int partNumber = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentOutOfRangeException.ThrowIfLessThan(lifetime, TimeSpan.FromSeconds(1));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(lifetime, MaxUrlLifetime);
        var expiresAt = ExpiryFor(lifetime);
        var url = _presigner.GetPreSignedURL(new GetPreSignedUrlRequest
        {
            BucketName = _bucket,
            Key = key,
            Verb = verb,
            Expires = expiresAt.UtcDateTime,
            Protocol = _urlProtocol,
            UploadId = uploadId,
            PartNumber = uploadId is null ? null : partNumber,
        });
        return new PresignedUrl(new Uri(url), expiresAt);
    }

    // Whole seconds: X-Amz-Expires is in seconds, and ExpiresAt must say exactly what the URL says.
    private static DateTimeOffset ExpiryFor(TimeSpan lifetime) => DateTimeOffset.UtcNow.AddSeconds(Math.Floor(lifetime.TotalSeconds));

    private static async Task<(long Size, string Sha256Hex)> HashAsync(Stream content, CancellationToken cancellationToken)
    {
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(HashBufferBytes);
        try
        {
            long size = 0;
            int read;
            while ((read = await content.ReadAsync(buffer.AsMemory(0, HashBufferBytes), cancellationToken)) > 0)
            {
                sha256.AppendData(buffer, 0, read);
                size += read;
            }

            return (size, Convert.ToHexStringLower(sha256.GetHashAndReset()));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
