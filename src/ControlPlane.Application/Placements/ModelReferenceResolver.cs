using ControlPlane.Application.Abstractions;
using ControlPlane.Application.Common;
using ControlPlane.Domain.Models;
using ControlPlane.Domain.Placements;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Application.Placements;

/// <summary>Resolves a placement's model reference (number or alias) to one ready version's digest, at admission.</summary>
public sealed class ModelReferenceResolver(IControlPlaneDb db)
{
    public async Task<ResolvedModel?> ResolveAsync(Guid tenantId, PlacementModelReference? reference, CancellationToken cancellationToken)
    {
        if (reference is null)
        {
            return null;
        }

        var errors = new FieldErrors();
        errors.AddIf((reference.Version is null) == (reference.Alias is null), "model", "give either version or alias");
        errors.ThrowIfAny();
        var model = await db.Models.AsNoTracking().FirstOrDefaultAsync(m => m.TenantId == tenantId && m.Name == reference.Name, cancellationToken)
            ?? throw Invalid("model.name", $"the tenant has no model '{reference.Name}'");
        var number = reference.Version;
        if (reference.Alias is { } alias)
        {
            number = await db.ModelAliases.Where(a => a.ModelId == model.Id && a.Name == alias).Select(a => (int?)a.VersionNumber)
                .FirstOrDefaultAsync(cancellationToken) ?? throw Invalid("model.alias", $"model '{model.Name}' has no alias '{alias}'");
        }

        var version = await db.ModelVersions.AsNoTracking().FirstOrDefaultAsync(v => v.ModelId == model.Id && v.Number == number, cancellationToken)
            ?? throw Invalid("model.version", $"model '{model.Name}' has no version {number}");
        if (version.State != ModelVersionState.Ready)
        {
            throw new ConflictException("version-not-ready", $"Version {version.Number} of model '{model.Name}' is not ready; finalize it first.");
        }

        return new ResolvedModel(model.Name, version.Number, version.Digest);
    }

    private static ValidationFailedException Invalid(string field, string message) =>
        new(new Dictionary<string, string[]> { [field] = [message] });
}
