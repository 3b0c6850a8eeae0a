using System.Security.Cryptography;
using System.Web;
using ControlPlane.Application.Models;
using ControlPlane.Infrastructure.ObjectStore;

namespace ControlPlane.IntegrationTests.ObjectStore;

/// <summary>The S3 adapter against a real S3 server (s3rver) through the real AWSSDK.S3 client.</summary>
public sealed class S3ArtifactStoreTests(ArtifactBucketFixture bucket) : IClassFixture<ArtifactBucketFixture>
{
    [Fact]
    public async Task Presigned_upload_then_inspect_reports_size_and_sha256()
    {
        var content = RandomNumberGenerator.GetBytes(100_003);
        await bucket.UploadAsync("tenant-a/models/llama/weights.bin", content);

        var stored = await bucket.Store.InspectAsync("tenant-a/models/llama/weights.bin", CancellationToken.None);

        Assert.True(stored.Exists);
        Assert.Equal(content.Length, stored.SizeBytes);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), stored.Sha256Hex);
    }

    [Fact]
    public async Task Completing_an_upload_that_was_completed_already_is_a_no_op_and_keeps_the_object()
    {
        // What happens when a completion times out on the client while the store finishes it: the retry finds no upload.
        const string key = "tenant-a/blobs/completed-twice.bin";
        var content = RandomNumberGenerator.GetBytes(70_001);
        var uploadId = await bucket.Store.StartMultipartUploadAsync(key, CancellationToken.None);
        using (var put = await bucket.Http.PutAsync(bucket.Store.PresignUploadPart(key, uploadId, 1, TimeSpan.FromMinutes(5)).Url, new ByteArrayContent(content)))
        {
            Assert.True(put.IsSuccessStatusCode, $"part PUT answered {(int)put.StatusCode}");
        }

        var parts = await bucket.Store.ListPartsAsync(key, uploadId, CancellationToken.None);
        await bucket.Store.CompleteMultipartUploadAsync(key, uploadId, parts!, CancellationToken.None);
        await bucket.Store.CompleteMultipartUploadAsync(key, uploadId, parts!, CancellationToken.None);

        Assert.Null(await bucket.Store.ListPartsAsync(key, uploadId, CancellationToken.None));
        var stored = await bucket.Store.InspectAsync(key, CancellationToken.None);
        Assert.Equal((true, content.Length, Convert.ToHexStringLower(SHA256.HashData(content))), (stored.Exists, stored.SizeBytes, stored.Sha256Hex));
    }

    [Fact]
    public async Task Inspect_of_a_missing_object_reports_it_absent()
    {
        var stored = await bucket.Store.InspectAsync("tenant-a/never-uploaded.bin", CancellationToken.None);

        Assert.Equal(new StoredArtifact(false, 0, null), stored);
    }

    [Fact]
    public async Task Empty_object_hashes_to_the_sha256_of_nothing()
    {
        await bucket.UploadAsync("tenant-a/empty.bin", []);

        var stored = await bucket.Store.InspectAsync("tenant-a/empty.bin", CancellationToken.None);

        Assert.True(stored.Exists);
        Assert.Equal(0, stored.SizeBytes);
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", stored.Sha256Hex);
    }

    [Fact]
    public async Task Multi_mebibyte_object_hashes_correctly()
    {
        // Not a multiple of the read buffer, so the last partial read is covered too.
        var content = RandomNumberGenerator.GetBytes((24 * 1024 * 1024) + 12_345);
        await bucket.UploadAsync("tenant-b/big.safetensors", content);

        var stored = await bucket.Store.InspectAsync("tenant-b/big.safetensors", CancellationToken.None);

        Assert.Equal(content.Length, stored.SizeBytes);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), stored.Sha256Hex);
    }

    [Fact]
    public async Task Presigned_download_returns_exactly_the_uploaded_bytes()
    {
        var content = RandomNumberGenerator.GetBytes(300_000);
        await bucket.UploadAsync("tenant-a/models/mistral 7b/model.gguf", content);

        var url = bucket.Store.PresignDownload("tenant-a/models/mistral 7b/model.gguf", TimeSpan.FromMinutes(1)).Url;
        var downloaded = await bucket.Http.GetByteArrayAsync(url);

        Assert.Equal(content, downloaded);
    }

    [Fact]
    public async Task Presigned_urls_point_at_the_public_url_while_the_store_talks_to_the_service_url()
    {
        // The same server under another name, as MinIO is http://minio:9000 inside Compose and http://127.0.0.1:9000 outside.
        var serviceUrl = new Uri(bucket.Options.ServiceUrl!);
        var publicUrl = new UriBuilder(serviceUrl) { Host = "localhost" }.Uri;
        using var store = new S3ArtifactStore(new ObjectStoreOptions
        {
            ServiceUrl = bucket.Options.ServiceUrl, PublicServiceUrl = publicUrl.ToString(), Bucket = bucket.Options.Bucket,
            AccessKey = bucket.Options.AccessKey, SecretKey = bucket.Options.SecretKey,
        });
        var content = RandomNumberGenerator.GetBytes(1_000);

        var upload = store.PresignUpload("tenant-a/public.bin", TimeSpan.FromMinutes(1)).Url;
        using (var put = await bucket.Http.PutAsync(upload, new ByteArrayContent(content)))
        {
            Assert.True(put.IsSuccessStatusCode, $"PUT {upload} answered {(int)put.StatusCode}");
        }

        var download = store.PresignDownload("tenant-a/public.bin", TimeSpan.FromMinutes(1)).Url;
        Assert.Equal(("localhost", serviceUrl.Port), (upload.Host, upload.Port));
        Assert.Equal(("localhost", serviceUrl.Port), (download.Host, download.Port));
        Assert.Equal(content, await bucket.Http.GetByteArrayAsync(download));
        Assert.Equal(1_000, (await store.InspectAsync("tenant-a/public.bin", CancellationToken.None)).SizeBytes); // through the service URL
    }

    [Theory]
    [InlineData("PUT", 900)]
    [InlineData("GET", 3600)]
    public void Presigned_urls_are_path_style_and_expire_after_the_lifetime(string verb, int seconds)
    {
        var lifetime = TimeSpan.FromSeconds(seconds);
        var before = DateTimeOffset.UtcNow;

        var presigned = verb == "PUT"
            ? bucket.Store.PresignUpload("tenant-a/x.bin", lifetime)
            : bucket.Store.PresignDownload("tenant-a/x.bin", lifetime);

        var endpoint = new Uri(bucket.Options.ServiceUrl!);
        var query = HttpUtility.ParseQueryString(presigned.Url.Query);
        Assert.Equal(endpoint.Scheme, presigned.Url.Scheme);
        Assert.Equal(endpoint.Authority, presigned.Url.Authority);
        Assert.Equal($"/{bucket.Options.Bucket}/tenant-a/x.bin", presigned.Url.AbsolutePath);
        Assert.Equal(seconds.ToString(System.Globalization.CultureInfo.InvariantCulture), query["X-Amz-Expires"]);
        Assert.NotNull(query["X-Amz-Signature"]);
        Assert.InRange(presigned.ExpiresAt, before + lifetime - TimeSpan.FromSeconds(1), DateTimeOffset.UtcNow + lifetime);
    }

    [Fact]
    public void A_burst_of_downloads_shares_one_recent_url_that_never_outlives_the_requested_lifetime()
    {
        var first = bucket.Store.PresignDownload("tenant-b/burst.bin", TimeSpan.FromMinutes(10));
        var again = bucket.Store.PresignDownload("tenant-b/burst.bin", TimeSpan.FromMinutes(10));
        Assert.Equal(first, again);

        // A shorter lifetime must not get the longer-lived URL; another key never shares one.
        var shorter = bucket.Store.PresignDownload("tenant-b/burst.bin", TimeSpan.FromMinutes(5));
        Assert.True(shorter.ExpiresAt <= DateTimeOffset.UtcNow + TimeSpan.FromMinutes(5), $"{shorter.ExpiresAt:O}");
        Assert.NotEqual(first.Url, shorter.Url);
        Assert.NotEqual(first.Url.AbsolutePath, bucket.Store.PresignDownload("tenant-c/burst.bin", TimeSpan.FromMinutes(10)).Url.AbsolutePath);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(7 * 24 * 3600 + 1)]
    public void Presigning_refuses_lifetimes_sigv4_cannot_express(int seconds) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => bucket.Store.PresignUpload("tenant-a/x.bin", TimeSpan.FromSeconds(seconds)));

    [Fact]
    public async Task Bucket_is_reachable_even_when_it_holds_an_empty_object()
    {
        // s3rver fails bucket listings once an empty object exists: the probe must not depend on listing.
        await bucket.UploadAsync("tenant-c/empty.bin", []);

        Assert.True(await bucket.Store.IsReachableAsync(CancellationToken.None));
    }
}
