namespace ControlPlane.Infrastructure.Identity;

/// <summary>Names of the workload token exchange (RFC 8693): a pod's service-account JWT in, a model-pull token out.</summary>
public static class WorkloadTokenExchange
{
    /// <summary>subject_token_type of a Kubernetes projected service-account token (a JWT of another issuer).</summary>
    public const string SubjectTokenType = "urn:ietf:params:oauth:token-type:jwt";

    /// <summary>Authentication type of the principal built from a verified service-account token.</summary>
    public const string AuthenticationType = "kubernetes-service-account";

    /// <summary>Claim naming the cluster that verified the workload.</summary>
    public const string ClusterClaim = "cluster";

    /// <summary>
    /// Extra token-response parameters when the token is narrowed to one version: its digest, a download URL per file
    /// (files: [{path, digest, sizeBytes, url}]), and for a one-file version that file's URL alone (presigned_url).
    /// </summary>
    public const string PresignedUrlParameter = "presigned_url";
    public const string DigestParameter = "digest";
    public const string FilesParameter = "files";
}
