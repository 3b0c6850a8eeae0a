using ControlPlane.Domain.Clusters;
using ControlPlane.Domain.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ControlPlane.Infrastructure.Persistence.Configurations;

internal sealed class NodePoolConfiguration : IEntityTypeConfiguration<NodePool>
{
    public void Configure(EntityTypeBuilder<NodePool> builder)
    {
        builder.HasKey(p => p.Id);
        builder.HasIndex(p => new { p.ClusterId, p.Name }).IsUnique();
        builder.HasOne<Cluster>().WithMany().HasForeignKey(p => p.ClusterId).OnDelete(DeleteBehavior.Restrict);
        builder.Property(p => p.Name).HasMaxLength(ResourceName.MaxLength);
        builder.Property(p => p.GpuModel).HasMaxLength(32);
        builder.Property(p => p.CapacityType).HasConversion<string>().HasMaxLength(16);
        builder.Property(p => p.MigProfiles).HasJsonb();
        builder.Property(p => p.Purposes).HasJsonb();
        builder.Property(p => p.Taints).HasJsonb();
        builder.Property(p => p.RuntimeClasses).HasJsonb();
        builder.Property(p => p.MissingRuntimeClasses).HasJsonb();
        builder.Property(p => p.AllocatedMigSlices).HasJsonb();
        builder.Property(p => p.Labels).HasJsonbConversion();
        builder.Property(p => p.DedicatedTenant).HasMaxLength(ResourceName.MaxLength);
        builder.Property(p => p.PricePerGpuHour).HasPrecision(NodePool.PricePrecision, NodePool.PriceScale);
        builder.Ignore(p => p.TotalGpus);
        builder.Ignore(p => p.HasReservations);
        builder.Ignore(p => p.State);
        builder.Ignore(p => p.UnschedulableReason);
        builder.Property(p => p.Version).IsRowVersion();
        // No upper bound: nodes can disappear under reservations (the scheduler then sees negative free capacity).
        builder.ToTable(t => t.HasCheckConstraint("ck_node_pools_allocation", "allocated_gpus >= 0"));
    }
}
