using ControlPlane.Domain.Clusters;
using ControlPlane.Domain.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ControlPlane.Infrastructure.Persistence.Configurations;

internal sealed class ClusterConfiguration : IEntityTypeConfiguration<Cluster>
{
    public void Configure(EntityTypeBuilder<Cluster> builder)
    {
        builder.HasKey(c => c.Id);
        builder.HasIndex(c => c.Name).IsUnique();
        builder.Property(c => c.Name).HasMaxLength(ResourceName.MaxLength);
        builder.Property(c => c.Region).HasMaxLength(ResourceName.MaxLength);
        builder.Property(c => c.ApiServerUrl).HasMaxLength(2000);
        builder.Property(c => c.ServiceAccountIssuer).HasMaxLength(2000);
        builder.Property(c => c.PrometheusUrl).HasMaxLength(2000);
        builder.Property(c => c.GatewayNamespace).HasMaxLength(ResourceName.MaxLength);
        builder.Property(c => c.GatewayName).HasMaxLength(ResourceName.MaxLength);

        // Token exchange maps a token's issuer to exactly one cluster.
        builder.HasIndex(c => c.ServiceAccountIssuer).IsUnique().HasFilter("service_account_issuer IS NOT NULL");
        builder.Property(c => c.DedicatedTenant).HasMaxLength(ResourceName.MaxLength);
        builder.Property(c => c.LastSyncError).HasMaxLength(StatusMessage.MaxLength);
        builder.Property(c => c.Version).IsRowVersion();
    }
}
