using ControlPlane.Application.Abstractions;
using ControlPlane.Application.Clusters;
using ControlPlane.Application.Reconciliation;
using ControlPlane.Domain.Tenants;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Application.WorkloadIdentity;

/// <summary>
/// Verifies a pod's projected service-account token: its audience must be the control plane's (a token meant for the
/// Kubernetes API is refused), its issuer a registered cluster's, and that cluster's TokenReview must authenticate it.
/// The namespace t-&lt;tenant&gt; names the tenant; nothing in the token's unverified claims is trusted beyond choosing
/// which cluster to ask.
/// </summary>
public sealed class WorkloadIdentityVerifier(IControlPlaneDb db, ClusterConnections connections, IClusterGateway gateway, TimeProvider clock)
{
    private const string ServiceAccountPrefix = "system:serviceaccount:";

    public async Task<VerifiedWorkload> VerifyAsync(string token, WorkloadTokenClaims claims, CancellationToken cancellationToken)
    {
        const string audience = ManifestBuilder.WorkloadTokenAudience;
        if (!claims.Audiences.Contains(audience, StringComparer.Ordinal))
        {
            throw Refused($"The subject token's audience is not '{audience}'; project a service-account token with that audience (a token for the Kubernetes API is not accepted).");
        }

        if (claims.ExpiresAt is not { } expiresAt || expiresAt <= clock.GetUtcNow())
        {
            throw Refused("The subject token has expired (or has no expiry).");
        }

        var cluster = claims.Issuer is null ? null
            : await db.Clusters.AsNoTracking().FirstOrDefaultAsync(c => c.ServiceAccountIssuer == claims.Issuer, cancellationToken);
        if (cluster is null)
        {
            throw Refused($"The subject token's issuer '{claims.Issuer}' is not the service-account issuer of a registered cluster.");
        }

        TokenReviewVerdict verdict;
        try
        {
            verdict = await gateway.ReviewTokenAsync(connections.For(cluster), token, audience, cancellationToken);
        }
        catch (Exception e) when (e is ClusterUnavailableException or ClusterRejectedException)
        {
            throw new WorkloadTokenRefusedException(WorkloadTokenRefusedException.TemporarilyUnavailable,
                $"Cluster '{cluster.Name}' could not review the token: {e.Message}");
        }

        if (!verdict.Authenticated)
        {
            throw Refused($"Cluster '{cluster.Name}' did not authenticate the subject token: {verdict.Error}");
        }

        var tenant = TenantOf(verdict.Username)
            ?? throw Refused($"'{verdict.Username}' is not a service account of a tenant namespace ({TenantNamespace.Pattern}).");
        var known = await db.Tenants.AsNoTracking().Where(t => t.Name == tenant).Select(t => (TenantState?)t.State).FirstOrDefaultAsync(cancellationToken);
        if (known != TenantState.Active)
        {
            throw Refused(known is null ? $"Namespace {TenantNamespace.For(tenant)} belongs to no tenant." : $"Tenant '{tenant}' is not active.");
        }

        if (cluster.DedicatedTenant is { } dedicated && dedicated != tenant)
        {
            throw Refused($"Cluster '{cluster.Name}' is dedicated to another tenant.");
        }

        return new VerifiedWorkload(verdict.Username!, tenant, cluster.Name);
    }

    /// <summary>system:serviceaccount:t-acme:default → acme.</summary>
    private static string? TenantOf(string? username)
    {
        if (username is null || !username.StartsWith(ServiceAccountPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var parts = username[ServiceAccountPrefix.Length..].Split(':');
        return parts is [var ns, { Length: > 0 }] ? TenantNamespace.TenantOf(ns) : null;
    }

    private static WorkloadTokenRefusedException Refused(string description) => new(WorkloadTokenRefusedException.InvalidRequest, description);
}
