namespace ControlPlane.Infrastructure.ObjectStore;

/// <summary>Configuration section "ObjectStore": the S3-compatible store holding model artifacts.</summary>
public sealed class ObjectStoreOptions
{
    public const string Section = "ObjectStore";

    /// <summary>
    /// Endpoint of an S3-compatible server (e.g. http://127.0.0.1:4569 for s3rver, a MinIO or Ceph URL).
    /// When absent, the AWS endpoint of <see cref="Region"/> is used.
    /// </summary>
    public string? ServiceUrl { get; set; }

    /// <summary>
    /// The endpoint as clients outside the service's network reach it, for presigned URLs only (e.g. http://127.0.0.1:9000
    /// when the service talks to http://minio:9000 inside Docker Compose). When absent, URLs point at <see cref="ServiceUrl"/>.
    /// </summary>
    public string? PublicServiceUrl { get; set; }

    /// <summary>The one bucket holding every tenant's artifacts (under tenant prefixes).</summary>
    public string Bucket { get; set; } = "models";

    /// <summary>Access key; when absent (with <see cref="SecretKey"/>), the AWS default credential chain applies.</summary>
    public string? AccessKey { get; set; }

    public string? SecretKey { get; set; }

    /// <summary>Signing region (and AWS endpoint region when <see cref="ServiceUrl"/> is absent).</summary>
    public string Region { get; set; } = "us-east-1";

    /// <summary>Path-style URLs (http://host/bucket/key): what s3rver, MinIO and most non-AWS stores expect.</summary>
    public bool ForcePathStyle { get; set; } = true;

    /// <summary>Largest artifact accepted (default 200 GiB).</summary>
    public long MaxArtifactBytes { get; set; } = 200L * 1024 * 1024 * 1024;
}
