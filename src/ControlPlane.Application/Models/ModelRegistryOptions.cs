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
}
