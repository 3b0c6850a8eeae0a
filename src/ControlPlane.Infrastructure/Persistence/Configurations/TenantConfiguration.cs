using ControlPlane.Domain.Common;
using ControlPlane.Domain.Tenants;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ControlPlane.Infrastructure.Persistence.Configurations;

internal sealed class TenantConfiguration : IEntityTypeConfiguration<Tenant>
{
    public void Configure(EntityTypeBuilder<Tenant> builder)
    {
        builder.HasKey(t => t.Id);
        builder.HasIndex(t => t.Name).IsUnique();
        builder.Property(t => t.Name).HasMaxLength(ResourceName.MaxLength);
        builder.Property(t => t.DisplayName).HasMaxLength(Tenant.DisplayNameMaxLength);
        builder.Property(t => t.IsolationTier).HasConversion<string>().HasMaxLength(16);
        builder.Property(t => t.State).HasConversion<string>().HasMaxLength(16);
        builder.Property(t => t.Labels).HasJsonbConversion();
        builder.Property(t => t.Version).IsRowVersion();
    }
}
