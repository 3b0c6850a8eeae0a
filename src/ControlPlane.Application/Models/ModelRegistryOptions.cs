namespace ControlPlane.Application.Models;

/// <summary>Configuration section "ModelRegistry".</summary>
public sealed class ModelRegistryOptions
{
    public const string Section = "ModelRegistry";
    public const string ModelStoreAudience = "model-store";

    /// <summary>Scope and claims of model-pull tokens (the model store authorises on them).</summary>
    public const string PullScope = "model:pull";
    public const string DigestClaim = "digest";

    /// <summary>Lifetime of presigned upload URLs (at most 15 minutes).</summary>
    public TimeSpan UploadUrlLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Lifetime of pull credentials: token and presigned URL alike (at most 1 hour).</summary>
    public TimeSpan PullCredentialLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Files larger than this upload by S3 multipart; smaller ones with one PUT (at most 5 GiB; default 64 MiB).</summary>
    public long MultipartThresholdBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Preferred part size (5 MiB to 5 GiB; default 64 MiB), raised for a file that would otherwise need more than 10,000 parts.</summary>
    public long MultipartPartSizeBytes { get; set; } = 64L * 1024 * 1024;
}
