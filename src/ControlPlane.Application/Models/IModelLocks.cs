using ControlPlane.Domain.Models;

namespace ControlPlane.Application.Models;

/// <summary>Row locks for the model registry: version numbers are taken one at a time, a version is finalized once.</summary>
public interface IModelLocks
{
    /// <summary>The tenant's model, tracked and locked until the transaction ends; null when none.</summary>
    Task<Model?> LockModelAsync(string tenantName, string modelName, CancellationToken cancellationToken);

    /// <summary>The version, tracked and locked until the transaction ends.</summary>
    Task<ModelVersion> LockVersionAsync(Guid versionId, CancellationToken cancellationToken);
}
