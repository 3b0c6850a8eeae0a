using ControlPlane.Application.Abstractions;
using ControlPlane.Domain.Audit;
using ControlPlane.Domain.Billing;
using ControlPlane.Domain.Clusters;
using ControlPlane.Domain.Models;
using ControlPlane.Domain.Placements;
using ControlPlane.Domain.Quotas;
using ControlPlane.Domain.ServiceAccounts;
using ControlPlane.Domain.Slos;
using ControlPlane.Domain.Tenants;
using ControlPlane.Infrastructure.Idempotency;
using ControlPlane.Infrastructure.Identity;
using ControlPlane.Infrastructure.Identity.Revocation;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using OpenIddict.EntityFrameworkCore.Models;

namespace ControlPlane.Infrastructure.Persistence;

/// <summary>The one database of the control plane, including the OIDC server's stores.</summary>
public sealed class ControlPlaneDbContext(DbContextOptions<ControlPlaneDbContext> options) : DbContext(options), IControlPlaneDb
{
    public DbSet<Tenant> Tenants => Set<Tenant>();
    public DbSet<Quota> Quotas => Set<Quota>();
    public DbSet<ServiceAccount> ServiceAccounts => Set<ServiceAccount>();
    public DbSet<WorkloadIdentityBinding> WorkloadIdentityBindings => Set<WorkloadIdentityBinding>();
    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();
    public DbSet<Cluster> Clusters => Set<Cluster>();
    public DbSet<NodePool> NodePools => Set<NodePool>();
    public DbSet<Placement> Placements => Set<Placement>();
    public DbSet<PlacementTransition> PlacementTransitions => Set<PlacementTransition>();
    public DbSet<ReconcileRequest> ReconcileRequests => Set<ReconcileRequest>();
    public DbSet<Model> Models => Set<Model>();
    public DbSet<ModelVersion> ModelVersions => Set<ModelVersion>();
    public DbSet<ModelAlias> ModelAliases => Set<ModelAlias>();
    public DbSet<ModelVersionFile> ModelVersionFiles => Set<ModelVersionFile>();
    public DbSet<StoredBlob> StoredBlobs => Set<StoredBlob>();
    public DbSet<PriceBook> PriceBooks => Set<PriceBook>();
    public DbSet<Statement> Statements => Set<Statement>();
    public DbSet<Budget> Budgets => Set<Budget>();
    public DbSet<BudgetAlert> BudgetAlerts => Set<BudgetAlert>();
    public DbSet<Slo> Slos => Set<Slo>();
    public DbSet<SloEvaluation> SloEvaluations => Set<SloEvaluation>();
    public DbSet<Domain.Rollouts.Rollout> Rollouts => Set<Domain.Rollouts.Rollout>();
    public DbSet<Domain.Rollouts.CanaryReadiness> CanaryReadiness => Set<Domain.Rollouts.CanaryReadiness>();

    public bool IsSerializationConflict(Exception exception) => TransientDatabaseFailure.IsSerializationConflict(exception);
    public bool IsUniqueViolation(Exception exception) => UniqueViolation.Is(exception);
    public DbSet<IdempotencyRecord> IdempotencyRecords => Set<IdempotencyRecord>();
    public DbSet<SigningKey> SigningKeys => Set<SigningKey>();
    public DbSet<TokenRevocation> TokenRevocations => Set<TokenRevocation>();

    bool IControlPlaneDb.InTransaction => Database.CurrentTransaction is not null;

    Task<IDbContextTransaction> IControlPlaneDb.BeginTransactionAsync(bool savepointPerSave, CancellationToken cancellationToken)
    {
        Database.AutoSavepointsEnabled = savepointPerSave;
        return Database.BeginTransactionAsync(cancellationToken);
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(ControlPlaneDbContext).Assembly);
        modelBuilder.HasSequence<long>(TokenRevocationConfiguration.EpochSequence);
        modelBuilder.UseOpenIddict();
        // The identity server's tables, named for what they are rather than after the library.
        modelBuilder.Entity<OpenIddictEntityFrameworkCoreApplication>().ToTable("oidc_applications");
        modelBuilder.Entity<OpenIddictEntityFrameworkCoreAuthorization>().ToTable("oidc_authorizations");
        modelBuilder.Entity<OpenIddictEntityFrameworkCoreScope>().ToTable("oidc_scopes");
        modelBuilder.Entity<OpenIddictEntityFrameworkCoreToken>().ToTable("oidc_tokens");
    }
}
