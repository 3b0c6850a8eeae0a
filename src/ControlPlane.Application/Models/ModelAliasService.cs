using ControlPlane.Application.Abstractions;
using ControlPlane.Application.Audit;
using ControlPlane.Application.Common;
using ControlPlane.Domain.Common;
using ControlPlane.Domain.Models;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Application.Models;

/// <summary>Aliases (production, staging, …): the only mutable pointers of the registry. Every move is audited.</summary>
public sealed class ModelAliasService(IControlPlaneDb db, ModelService models, AuditTrail audit, TimeProvider clock)
{
    public async Task<Versioned<AliasResponse>> SetAsync(string tenantName, string modelName, string alias, SetAliasRequest request, string? ifMatch,
        CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        errors.AddIf(!ResourceName.IsValid(alias), "alias", ResourceName.Rule);
        errors.AddIf(request.Version is null or < 1, "version", "a version number of this model");
        errors.ThrowIfAny();
        var model = await models.LoadAsync(tenantName, modelName, tracking: false, cancellationToken);
        // Only versions of this model can be pointed at: a number is looked up within the model, never across models.
        var version = await db.ModelVersions.AsNoTracking().FirstOrDefaultAsync(v => v.ModelId == model.Id && v.Number == request.Version, cancellationToken)
            ?? throw new ValidationFailedException(new Dictionary<string, string[]> { ["version"] = [$"model '{modelName}' has no version {request.Version}"] });
        if (version.State != ModelVersionState.Ready)
        {
            throw new ConflictException("version-not-ready", $"Version {version.Number} is not ready; an alias can only point at a ready version.");
        }

        var now = clock.GetUtcNow();
        var existing = await db.ModelAliases.FirstOrDefaultAsync(a => a.ModelId == model.Id && a.Name == alias, cancellationToken);
        int? from = existing?.VersionNumber;
        if (existing is null)
        {
            if (ifMatch is not null && ifMatch != "*")
            {
                throw new PreconditionFailedException("alias", alias);
            }

            existing = ModelAlias.Point(model.Id, alias, version.Number, now);
            db.ModelAliases.Add(existing);
        }
        else
        {
            if (ifMatch is not null && !ConcurrencyToken.Matches(ifMatch, existing.Version))
            {
                throw new PreconditionFailedException("alias", alias);
            }

            existing.MoveTo(version.Number, now);
        }

        audit.Record("model-alias.set", $"{ModelService.Target(tenantName, modelName)}/aliases/{alias}", tenantName, new Dictionary<string, string>
        {
            ["from"] = from?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "", ["to"] = version.Number.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        await db.SaveChangesAsync(cancellationToken);
        return new(new AliasResponse(modelName, alias, version.Number, version.Digest, existing.UpdatedAt), existing.Version);
    }

    public async Task<Versioned<AliasResponse>> GetAsync(string tenantName, string modelName, string alias, CancellationToken cancellationToken)
    {
        var model = await models.LoadAsync(tenantName, modelName, tracking: false, cancellationToken);
        var found = await db.ModelAliases.AsNoTracking().FirstOrDefaultAsync(a => a.ModelId == model.Id && a.Name == alias, cancellationToken)
            ?? throw new ResourceNotFoundException("alias", alias);
        var digest = await db.ModelVersions.Where(v => v.ModelId == model.Id && v.Number == found.VersionNumber).Select(v => v.Digest)
            .FirstAsync(cancellationToken);
        return new(new AliasResponse(modelName, alias, found.VersionNumber, digest, found.UpdatedAt), found.Version);
    }

    public async Task DeleteAsync(string tenantName, string modelName, string alias, string? ifMatch, CancellationToken cancellationToken)
    {
        var model = await models.LoadAsync(tenantName, modelName, tracking: false, cancellationToken);
        var found = await db.ModelAliases.FirstOrDefaultAsync(a => a.ModelId == model.Id && a.Name == alias, cancellationToken)
            ?? throw new ResourceNotFoundException("alias", alias);
        if (ifMatch is not null && !ConcurrencyToken.Matches(ifMatch, found.Version))
        {
            throw new PreconditionFailedException("alias", alias);
        }

        db.ModelAliases.Remove(found);
        audit.Record("model-alias.delete", $"{ModelService.Target(tenantName, modelName)}/aliases/{alias}", tenantName,
            new Dictionary<string, string> { ["from"] = found.VersionNumber.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        await db.SaveChangesAsync(cancellationToken);
    }
}
