using ControlPlane.Application.Abstractions;
using ControlPlane.Application.Audit;
using ControlPlane.Application.Common;
using ControlPlane.Application.Quotas;
using ControlPlane.Domain.Common;
using ControlPlane.Domain.Models;
using ControlPlane.Domain.Quotas;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Application.Models;

/// <summary>A tenant's models: create, read, describe, delete (with their versions, aliases and stored bytes).</summary>
public sealed class ModelService(IControlPlaneDb db, IQuotaLocks quotaLocks, AuditTrail audit, TimeProvider clock)
{
    public async Task<Versioned<ModelResponse>> CreateAsync(string tenantName, CreateModelRequest request, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        errors.AddIf(!ResourceName.IsValid(request.Name), "name", ResourceName.Rule);
        ValidateDescription(errors, request.Description, request.Task, request.Labels);
        errors.ThrowIfAny();
        var tenant = await db.Tenants.AsNoTracking().FirstOrDefaultAsync(t => t.Name == tenantName, cancellationToken)
            ?? throw new ResourceNotFoundException("tenant", tenantName);
        tenant.EnsureCanCreate();
        if (await db.Models.AnyAsync(m => m.TenantId == tenant.Id && m.Name == request.Name, cancellationToken))
        {
            throw new ConflictException("already-exists", $"Tenant '{tenantName}' already has a model named '{request.Name}'.");
        }

        var model = Model.Create(tenant.Id, tenant.Name, request.Name, request.Description ?? "", request.Task ?? "",
            request.Labels?.ToDictionary() ?? [], clock.GetUtcNow());
        db.Models.Add(model);
        audit.Record("model.create", Target(tenantName, model.Name), tenantName);
        await db.SaveChangesAsync(cancellationToken);
        return new(ToResponse(model), model.Version);
    }

    public async Task<Page<ModelResponse>> ListAsync(string tenantName, PageRequest page, CancellationToken cancellationToken)
    {
        var tenantId = await db.RequireTenantIdAsync(tenantName, cancellationToken);
        var query = db.Models.AsNoTracking().Where(m => m.TenantId == tenantId);
        if (page.After is { } after)
        {
            query = query.Where(m => string.Compare(m.Name, after) > 0);
        }

        var rows = await query.OrderBy(m => m.Name).Take(page.PageSize + 1).ToListAsync(cancellationToken);
        return page.ToPage(rows, m => m.Name, ToResponse);
    }

    public async Task<Versioned<ModelResponse>> GetAsync(string tenantName, string name, CancellationToken cancellationToken)
    {
        var model = await LoadAsync(tenantName, name, tracking: false, cancellationToken);
        return new(ToResponse(model), model.Version);
    }

    public async Task<Versioned<ModelResponse>> UpdateAsync(string tenantName, string name, UpdateModelRequest request, string? ifMatch,
        CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        ValidateDescription(errors, request.Description, request.Task, request.Labels);
        errors.ThrowIfAny();
        var model = await LoadAsync(tenantName, name, tracking: true, cancellationToken);
        if (ifMatch is not null && !ConcurrencyToken.Matches(ifMatch, model.Version))
        {
            throw new PreconditionFailedException("model", name);
        }

        model.Update(request.Description, request.Task, request.Labels?.ToDictionary(), clock.GetUtcNow());
        audit.Record("model.update", Target(tenantName, name), tenantName);
        await db.SaveChangesAsync(cancellationToken);
        return new(ToResponse(model), model.Version);
    }

    /// <summary>Deletes the model with its versions and aliases, and gives back the storage its ready versions used.</summary>
    public async Task DeleteAsync(string tenantName, string name, string? ifMatch, CancellationToken cancellationToken) =>
        await db.InTransactionAsync(async () =>
        {
            var model = await LoadAsync(tenantName, name, tracking: true, cancellationToken);
            if (ifMatch is not null && !ConcurrencyToken.Matches(ifMatch, model.Version))
            {
                throw new PreconditionFailedException("model", name);
            }

            // The serving pods pull its artifacts and report its usage: the model outlives every live placement of it.
            var serving = await db.Placements.AsNoTracking()
                .Where(p => p.TenantId == model.TenantId && p.ModelName == model.Name && !Domain.Placements.PlacementPhases.Finished.Contains(p.Phase))
                .OrderBy(p => p.Name).Select(p => p.Name).ToListAsync(cancellationToken);
            if (serving.Count > 0)
            {
                throw new ConflictException("model-in-use", $"Model '{name}' is served by live placement(s) {string.Join(", ", serving)}; delete them first.",
                    new Dictionary<string, object?> { ["placements"] = serving });
            }

            var versions = await db.ModelVersions.Where(v => v.ModelId == model.Id).ToListAsync(cancellationToken);
            var storedBytes = versions.Where(v => v.State == ModelVersionState.Ready).Sum(v => v.SizeBytes);
            if (storedBytes > 0)
            {
                var quota = (await quotaLocks.LockAsync(model.TenantId, [QuotaResource.StorageBytes], cancellationToken)).GetValueOrDefault(QuotaResource.StorageBytes);
                quota?.Release(storedBytes, clock.GetUtcNow());
            }

            db.ModelAliases.RemoveRange(await db.ModelAliases.Where(a => a.ModelId == model.Id).ToListAsync(cancellationToken));
            db.ModelVersions.RemoveRange(versions);
            db.Models.Remove(model);
            audit.Record("model.delete", Target(tenantName, name), tenantName,
                new Dictionary<string, string> { ["versions"] = versions.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }, cancellationToken);

    internal async Task<Model> LoadAsync(string tenantName, string name, bool tracking, CancellationToken cancellationToken)
    {
        var tenantId = await db.RequireTenantIdAsync(tenantName, cancellationToken);
        var query = tracking ? db.Models : db.Models.AsNoTracking();
        return await query.FirstOrDefaultAsync(m => m.TenantId == tenantId && m.Name == name, cancellationToken)
            ?? throw new ResourceNotFoundException("model", name);
    }

    internal static string Target(string tenant, string model) => $"tenants/{tenant}/models/{model}";

    private static void ValidateDescription(FieldErrors errors, string? description, string? task, IReadOnlyDictionary<string, string>? labels)
    {
        errors.AddIf(description?.Length > Model.DescriptionMaxLength, "description", $"at most {Model.DescriptionMaxLength} characters");
        errors.AddIf(task?.Length > Model.TaskMaxLength, "task", $"at most {Model.TaskMaxLength} characters");
        foreach (var (key, problem) in Domain.Common.Labels.Validate(labels))
        {
            errors.Add(key.Length == 0 ? "labels" : $"labels.{key}", problem);
        }
    }

    private static ModelResponse ToResponse(Model m) =>
        new(m.Id, m.Tenant, m.Name, m.Description, m.Task, m.Labels, m.NextVersion - 1, m.CreatedAt, m.UpdatedAt);
}
