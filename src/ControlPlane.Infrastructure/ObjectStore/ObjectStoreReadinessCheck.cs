using ControlPlane.Application.Models;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ControlPlane.Infrastructure.ObjectStore;

/// <summary>Ready when the artifact bucket answers: without it, uploads and finalization cannot work.</summary>
internal sealed class ObjectStoreReadinessCheck(IArtifactStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await store.IsReachableAsync(cancellationToken)
            ? HealthCheckResult.Healthy("object store reachable")
            : new HealthCheckResult(context.Registration.FailureStatus, "object store bucket unreachable");
}
