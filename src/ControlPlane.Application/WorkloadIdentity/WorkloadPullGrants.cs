using ControlPlane.Application.Abstractions;
using ControlPlane.Application.Audit;
using ControlPlane.Application.Models;
using ControlPlane.Domain.Models;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ControlPlane.Application.WorkloadIdentity;

/// <summary>
/// What a verified workload may pull: any of its tenant's models, or — when the exchange names a digest as its
/// resource — exactly that ready version, with a presigned download URL per file that expires no later than the token.
/// </summary>
public sealed class WorkloadPullGrants(IControlPlaneDb db, StoredBlobs blobs, AuditTrail audit, IOptions<ModelRegistryOptions> options)
{
    public async Task<WorkloadPullGrant> GrantAsync(VerifiedWorkload workload, string? resource, CancellationToken cancellationToken)
    {
        var lifetime = options.Value.PullCredentialLifetime;
        if (resource is null)
        {
            await audit.AppendAsync("model.pull-token-exchange", $"tenants/{workload.Tenant}/models", workload.Tenant, Details(workload),
                workload.Subject, cancellationToken);
            return new WorkloadPullGrant(workload.Subject, workload.Tenant, null, [], lifetime);
        }

        if (!ModelVersion.IsValidDigest(resource))
        {
            throw new WorkloadTokenRefusedException(WorkloadTokenRefusedException.InvalidTarget,
                "The resource must be a model version digest, sha256:<64 lower-case hex digits>.");
        }

        var found = await blobs.WithFiles(db.ModelVersions.AsNoTracking()
                .Where(v => v.Digest == resource && v.State == ModelVersionState.Ready && db.Tenants.Any(t => t.Id == v.TenantId && t.Name == workload.Tenant)))
            .FirstOrDefaultAsync(cancellationToken)
            ?? throw new WorkloadTokenRefusedException(WorkloadTokenRefusedException.InvalidTarget,
                $"Tenant '{workload.Tenant}' has no ready model version with digest {resource}.");

        var files = blobs.Downloads(found.Files, lifetime);
        await audit.AppendAsync("model.pull-token-exchange", $"tenants/{workload.Tenant}/models/{found.Model}/versions/{found.Version.Number}",
            workload.Tenant, Details(workload), workload.Subject, cancellationToken);
        return new WorkloadPullGrant(workload.Subject, workload.Tenant, resource, files, lifetime);
    }

    private static Dictionary<string, string> Details(VerifiedWorkload workload) => new() { ["cluster"] = workload.Cluster };
}
