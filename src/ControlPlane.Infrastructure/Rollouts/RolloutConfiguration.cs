using ControlPlane.Domain.Common;
using ControlPlane.Domain.Placements;
using ControlPlane.Domain.Rollouts;
using ControlPlane.Domain.Tenants;
using ControlPlane.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ControlPlane.Infrastructure.Rollouts;

internal sealed class RolloutConfiguration : IEntityTypeConfiguration<Rollout>
{
    public void Configure(EntityTypeBuilder<Rollout> builder)
    {
        builder.HasKey(r => r.Id);
        builder.HasIndex(r => new { r.TenantId, r.Placement, r.Number }).IsUnique();
        // At most one active rollout per placement, whatever races: the second insert fails and is answered 409.
        builder.HasIndex(r => r.PlacementId).IsUnique().HasFilter("phase IN ('Progressing', 'Paused')")
            .HasDatabaseName("ix_rollouts_one_active_per_placement");
        builder.HasIndex(r => r.NextAnalysisAt).HasFilter("phase = 'Progressing'");
        builder.HasOne<Tenant>().WithMany().HasForeignKey(r => r.TenantId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Placement>().WithMany().HasForeignKey(r => r.PlacementId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(r => r.Tenant).HasMaxLength(ResourceName.MaxLength);
        builder.Property(r => r.Placement).HasMaxLength(ResourceName.MaxLength);
        builder.Property(r => r.Strategy).HasJsonb();
        builder.Property(r => r.Analysis).HasJsonb();
        builder.Property(r => r.Target).HasJsonb();
        builder.Property(r => r.Previous).HasJsonb();
        builder.Property(r => r.Runs).HasJsonb();
        builder.Property(r => r.Phase).HasConversion<string>().HasMaxLength(16);
        builder.Property(r => r.Reason).HasMaxLength(2000);
        builder.Ignore(r => r.IsActive);
        builder.Property(r => r.Version).IsRowVersion();
    }
}

internal sealed class CanaryReadinessConfiguration : IEntityTypeConfiguration<CanaryReadiness>
{
    public void Configure(EntityTypeBuilder<CanaryReadiness> builder)
    {
        builder.ToTable("canary_readiness");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Id).UseIdentityAlwaysColumn();
        builder.HasIndex(c => new { c.RolloutId, c.At });
        builder.HasOne<Rollout>().WithMany().HasForeignKey(c => c.RolloutId).OnDelete(DeleteBehavior.Cascade);
    }
}
