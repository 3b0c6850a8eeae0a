using ControlPlane.Domain.Clusters;
using ControlPlane.Domain.Common;
using ControlPlane.Domain.Placements;
using ControlPlane.Domain.Tenants;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ControlPlane.Infrastructure.Persistence.Configurations;

internal sealed class PlacementConfiguration : IEntityTypeConfiguration<Placement>
{
    public void Configure(EntityTypeBuilder<Placement> builder)
    {
        builder.HasKey(p => p.Id);
        // A name is unique among a tenant's live placements; finished ones keep their history without blocking reuse.
        builder.HasIndex(p => new { p.TenantId, p.Name }).IsUnique()
            .HasFilter("phase NOT IN ('Failed', 'Succeeded', 'Terminated')");
        builder.HasIndex(p => new { p.TenantId, p.CreatedAt });
        builder.HasIndex(p => p.Phase);
        builder.HasOne<Tenant>().WithMany().HasForeignKey(p => p.TenantId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<NodePool>().WithMany().HasForeignKey(p => p.NodePoolId).OnDelete(DeleteBehavior.Restrict);
        builder.Property(p => p.Tenant).HasMaxLength(ResourceName.MaxLength);
        builder.Property(p => p.Name).HasMaxLength(ResourceName.MaxLength);
        builder.Property(p => p.Kind).HasConversion<string>().HasMaxLength(16);
        builder.Property(p => p.Phase).HasConversion<string>().HasMaxLength(16);
        builder.Property(p => p.Priority).HasConversion<string>().HasMaxLength(16);
        builder.Property(p => p.RuntimeClass).HasMaxLength(253);
        builder.Property(p => p.Autoscaling).HasJsonb();
        builder.Property(p => p.Image).HasMaxLength(1000);
        builder.Property(p => p.Command).HasJsonb();
        builder.Property(p => p.Args).HasJsonb();
        builder.Property(p => p.Regions).HasJsonb();
        builder.Property(p => p.Env).HasJsonbConversion();
        builder.Property(p => p.Decision).HasColumnType("jsonb");
        builder.Property(p => p.HourlyPrice).HasPrecision(Domain.Clusters.NodePool.PricePrecision, Domain.Clusters.NodePool.PriceScale);
        builder.Property(p => p.Message).HasMaxLength(StatusMessage.MaxLength);
        builder.Ignore(p => p.Autoscaled);
        builder.Ignore(p => p.UnitsPerReplica);
        builder.Ignore(p => p.ReservedUnits);
        builder.Ignore(p => p.ReadyUnits);
        builder.Ignore(p => p.GpuQuotaResource);
        builder.Property(p => p.Version).IsRowVersion();
    }
}

internal sealed class PlacementTransitionConfiguration : IEntityTypeConfiguration<PlacementTransition>
{
    public void Configure(EntityTypeBuilder<PlacementTransition> builder)
    {
        builder.HasKey(t => t.Id);
        builder.Property(t => t.Id).UseIdentityAlwaysColumn();
        builder.HasIndex(t => new { t.PlacementId, t.At });
        builder.HasOne<Placement>().WithMany().HasForeignKey(t => t.PlacementId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(t => t.Phase).HasConversion<string>().HasMaxLength(16);
        builder.Property(t => t.Message).HasMaxLength(StatusMessage.MaxLength);
    }
}

internal sealed class ReconcileRequestConfiguration : IEntityTypeConfiguration<ReconcileRequest>
{
    public void Configure(EntityTypeBuilder<ReconcileRequest> builder)
    {
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Id).UseIdentityAlwaysColumn();
        builder.HasIndex(r => r.NotBefore);
        builder.HasIndex(r => r.PlacementId);
        builder.HasOne<Placement>().WithMany().HasForeignKey(r => r.PlacementId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(r => r.Action).HasConversion<string>().HasMaxLength(16);
        builder.Property(r => r.LeaseOwner).HasMaxLength(200);
        builder.Property(r => r.LastError).HasMaxLength(StatusMessage.MaxLength);
    }
}
