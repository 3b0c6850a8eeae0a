using ControlPlane.Domain.Audit;
using ControlPlane.Domain.Billing;
using ControlPlane.Domain.Clusters;
using ControlPlane.Domain.Models;
using ControlPlane.Domain.Placements;
using ControlPlane.Domain.Quotas;
using ControlPlane.Domain.ServiceAccounts;
using ControlPlane.Domain.Slos;
using ControlPlane.Domain.Tenants;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace ControlPlane.Application.Abstractions;

/// <summary>The narrow view of the database that use cases work with (no repository layer over EF Core).</summary>
public interface IControlPlaneDb
{
    DbSet<Tenant> Tenants { get; }
    DbSet<Quota> Quotas { get; }
    DbSet<ServiceAccount> ServiceAccounts { get; }
    DbSet<WorkloadIdentityBinding> WorkloadIdentityBindings { get; }
    DbSet<AuditEvent> AuditEvents { get; }
    DbSet<Cluster> Clusters { get; }
    DbSet<NodePool> NodePools { get; }
    DbSet<Placement> Placements { get; }
    DbSet<PlacementTransition> PlacementTransitions { get; }
    DbSet<ReconcileRequest> ReconcileRequests { get; }
    DbSet<Model> Models { get; }
    DbSet<ModelVersion> ModelVersions { get; }
    DbSet<ModelAlias> ModelAliases { get; }
    DbSet<ModelVersionFile> ModelVersionFiles { get; }
    DbSet<StoredBlob> StoredBlobs { get; }
    DbSet<PriceBook> PriceBooks { get; }
    DbSet<Statement> Statements { get; }
    DbSet<Budget> Budgets { get; }
    DbSet<BudgetAlert> BudgetAlerts { get; }
    DbSet<Slo> Slos { get; }
    DbSet<SloEvaluation> SloEvaluations { get; }
    DbSet<Domain.Rollouts.Rollout> Rollouts { get; }
    DbSet<Domain.Rollouts.CanaryReadiness> CanaryReadiness { get; }
    /// <summary>True while a transaction is open (an HTTP request with an Idempotency-Key runs in one).</summary>
    bool InTransaction { get; }

    /// <summary>
    /// Opens a transaction (use <see cref="Common.TransactionExtensions.InTransactionAsync{T}"/> in use cases).
    /// <paramref name="savepointPerSave"/> false when nothing continues after a failed save: EF's savepoint around each
    /// save then buys nothing, and EF swallows a failure to release one, hiding a connection lost right after a save.
    /// </summary>
    Task<IDbContextTransaction> BeginTransactionAsync(bool savepointPerSave, CancellationToken cancellationToken);

    /// <summary>What the unit of work tracks; a transaction run again starts from an empty one.</summary>
    ChangeTracker ChangeTracker { get; }

    /// <summary>
    /// True when <paramref name="exception"/> says the transaction lost a race and would succeed if run again from the start:
    /// a serialization failure (40001) or a deadlock (40P01).
    /// </summary>
    bool IsSerializationConflict(Exception exception);

    /// <summary>
    /// True when a save was refused by a unique index: a concurrent request created the same thing after this one
    /// checked. A use case that wants to name what exists catches it; otherwise the exception handler answers 409
    /// already-exists.
    /// </summary>
    bool IsUniqueViolation(Exception exception);
    Task<int> SaveChangesAsync(CancellationToken cancellationToken = default);
}
