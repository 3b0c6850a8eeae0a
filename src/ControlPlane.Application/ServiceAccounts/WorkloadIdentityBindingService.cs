using ControlPlane.Application.Abstractions;
using ControlPlane.Application.Audit;
using ControlPlane.Application.Common;
using ControlPlane.Domain.Common;
using ControlPlane.Domain.ServiceAccounts;
using ControlPlane.Domain.Tenants;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Application.ServiceAccounts;

/// <summary>
/// Tenant admins bind Kubernetes service accounts of their tenant's namespace to their service accounts (workload
/// identity for in-cluster CI). Only the tenant's own namespace can be bound, on a cluster not dedicated to another
/// tenant; deleting a binding stops further exchanges at once (tokens already issued live out their minutes).
/// </summary>
public sealed class WorkloadIdentityBindingService(IControlPlaneDb db, AuditTrail audit, TimeProvider clock)
{
    public async Task<WorkloadIdentityBindingResponse> CreateAsync(string tenantName, string serviceAccount, CreateWorkloadIdentityBindingRequest request,
        CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        errors.AddIf(!ResourceName.IsValid(request.Name), "name", ResourceName.Rule);
        errors.AddIf(!ResourceName.IsValid(request.KubernetesServiceAccount), "kubernetesServiceAccount", ResourceName.Rule);
        var tenantNamespace = TenantNamespace.For(tenantName);
        errors.AddIf(request.Namespace != tenantNamespace, "namespace", $"must be the tenant's namespace, {tenantNamespace}");
        errors.ThrowIfAny();

        return await db.InTransactionAsync(async () =>
        {
            var (tenant, account) = await AccountAsync(tenantName, serviceAccount, cancellationToken);
            tenant.EnsureCanCreate();
            var cluster = await db.Clusters.AsNoTracking()
                .Where(c => c.Name == request.Cluster && (c.DedicatedTenant == null || c.DedicatedTenant == tenantName))
                .Select(c => new { c.Id, c.Name }).FirstOrDefaultAsync(cancellationToken)
                ?? throw new ValidationFailedException(new Dictionary<string, string[]>
                {
                    ["cluster"] = [$"'{request.Cluster}' is not a registered cluster this tenant can run on"],
                });

            if (await db.WorkloadIdentityBindings.AnyAsync(b => (b.ServiceAccountId == account.Id && b.Name == request.Name)
                    || (b.ClusterId == cluster.Id && b.Namespace == request.Namespace && b.KubernetesServiceAccount == request.KubernetesServiceAccount),
                    cancellationToken))
            {
                throw AlreadyBound(request);
            }

            var binding = WorkloadIdentityBinding.Create(tenant.Id, account.Id, request.Name, cluster.Id, request.Namespace, request.KubernetesServiceAccount,
                clock.GetUtcNow());
            db.WorkloadIdentityBindings.Add(binding);
            audit.Record("workload-identity-binding.create", Target(tenantName, serviceAccount, request.Name), tenantName,
                new Dictionary<string, string> { ["cluster"] = cluster.Name, ["subject"] = binding.Subject });
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (Exception e) when (db.IsUniqueViolation(e))
            {
                // A concurrent identical request passed the check above too; the unique indexes decided between them.
                throw AlreadyBound(request);
            }

            return WorkloadIdentityBindingResponse.From(binding, serviceAccount, cluster.Name);
        }, cancellationToken);
    }

    private static ConflictException AlreadyBound(CreateWorkloadIdentityBindingRequest request) => new("already-exists",
        $"A binding named '{request.Name}' exists, or {WorkloadIdentityBinding.SubjectOf(request.Namespace, request.KubernetesServiceAccount)} on cluster '{request.Cluster}' is already bound.");

    public async Task<Page<WorkloadIdentityBindingResponse>> ListAsync(string tenantName, string serviceAccount, PageRequest page, CancellationToken cancellationToken)
    {
        var (_, account) = await AccountAsync(tenantName, serviceAccount, cancellationToken);
        var query = db.WorkloadIdentityBindings.AsNoTracking().Where(b => b.ServiceAccountId == account.Id);
        if (page.After is { } after)
        {
            query = query.Where(b => string.Compare(b.Name, after) > 0);
        }

        var rows = await query.OrderBy(b => b.Name).Take(page.PageSize + 1)
            .Join(db.Clusters.AsNoTracking(), b => b.ClusterId, c => c.Id, (b, c) => new { Binding = b, Cluster = c.Name })
            .ToListAsync(cancellationToken);
        return page.ToPage(rows, r => r.Binding.Name, r => WorkloadIdentityBindingResponse.From(r.Binding, serviceAccount, r.Cluster));
    }

    public async Task DeleteAsync(string tenantName, string serviceAccount, string name, CancellationToken cancellationToken) =>
        await db.InTransactionAsync(async () =>
        {
            var (_, account) = await AccountAsync(tenantName, serviceAccount, cancellationToken);
            var binding = await db.WorkloadIdentityBindings.FirstOrDefaultAsync(b => b.ServiceAccountId == account.Id && b.Name == name, cancellationToken)
                ?? throw new ResourceNotFoundException("workload identity binding", name);
            db.WorkloadIdentityBindings.Remove(binding);
            audit.Record("workload-identity-binding.delete", Target(tenantName, serviceAccount, name), tenantName,
                new Dictionary<string, string> { ["subject"] = binding.Subject });
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }, cancellationToken);

    private static string Target(string tenant, string serviceAccount, string name) =>
        $"tenants/{tenant}/service-accounts/{serviceAccount}/workload-identity-bindings/{name}";

    private async Task<(Domain.Tenants.Tenant Tenant, ServiceAccount Account)> AccountAsync(string tenantName, string name, CancellationToken cancellationToken)
    {
        var tenant = await db.Tenants.FirstOrDefaultAsync(t => t.Name == tenantName, cancellationToken)
            ?? throw new ResourceNotFoundException("tenant", tenantName);
        var account = await db.ServiceAccounts.AsNoTracking().FirstOrDefaultAsync(a => a.TenantId == tenant.Id && a.Name == name, cancellationToken)
            ?? throw new ResourceNotFoundException("service account", name);
        return (tenant, account);
    }
}
