namespace ControlPlane.Application.WorkloadIdentity;

/// <summary>What the control plane reads from a projected service-account token before asking its cluster about it.</summary>
/// <param name="Issuer">The iss claim: selects the registered cluster.</param>
/// <param name="Audiences">The aud claim.</param>
/// <param name="ExpiresAt">The exp claim.</param>
public sealed record WorkloadTokenClaims(string? Issuer, IReadOnlyList<string> Audiences, DateTimeOffset? ExpiresAt);

/// <summary>A pod's identity, verified by its cluster: the tenant is the one whose namespace the service account lives in.</summary>
/// <param name="Subject">system:serviceaccount:&lt;namespace&gt;:&lt;name&gt;.</param>
/// <param name="Tenant">The tenant of namespace t-&lt;tenant&gt;.</param>
/// <param name="Cluster">The cluster that issued and verified the token.</param>
public sealed record VerifiedWorkload(string Subject, string Tenant, string Cluster)
{
    /// <summary>The Kubernetes namespace and service-account name of <see cref="Subject"/> (the verifier accepted no other form).</summary>
    public (string Namespace, string Name) ServiceAccount => Subject.Split(':') is [_, _, var ns, var name] ? (ns, name) : ("", "");
}

/// <summary>A model-pull grant for a verified workload: the tenant, the one version's digest when narrowed, and a download URL per file of it.</summary>
/// <param name="Files">Presigned GETs of the version's files (none when not narrowed to a version).</param>
/// <param name="Lifetime">Lifetime of the pull token; the presigned URLs expire no later.</param>
public sealed record WorkloadPullGrant(string Subject, string Tenant, string? Digest, IReadOnlyList<Models.FileDownload> Files, TimeSpan Lifetime);

/// <summary>
/// Why a token exchange is refused, in OAuth terms (RFC 8693 §2.2.2): invalid_request for a subject token that is not
/// acceptable, invalid_target for a resource the workload may not have, invalid_grant for a workload bound to no API identity.
/// </summary>
public sealed class WorkloadTokenRefusedException(string error, string description) : Exception(description)
{
    public const string InvalidRequest = "invalid_request";
    public const string InvalidTarget = "invalid_target";
    public const string InvalidGrant = "invalid_grant";
    public const string TemporarilyUnavailable = "temporarily_unavailable";

    public string Error { get; } = error;
}
