using ControlPlane.Domain.Common;
using ControlPlane.Domain.ServiceAccounts;
using ControlPlane.Domain.Tenants;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ControlPlane.Infrastructure.Persistence.Configurations;

internal sealed class ServiceAccountConfiguration : IEntityTypeConfiguration<ServiceAccount>
{
    public void Configure(EntityTypeBuilder<ServiceAccount> builder)
    {
        builder.HasKey(a => a.Id);
        builder.HasIndex(a => new { a.TenantId, a.Name }).IsUnique();
        builder.HasIndex(a => a.ClientId).IsUnique();
        builder.Property(a => a.Name).HasMaxLength(ResourceName.MaxLength);
        builder.Property(a => a.Description).HasMaxLength(ServiceAccount.DescriptionMaxLength);
        builder.Property(a => a.ClientId).HasMaxLength(200);
        builder.Property(a => a.Role).HasConversion<string>().HasMaxLength(16);
        builder.HasOne<Tenant>().WithMany().HasForeignKey(a => a.TenantId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(a => a.Version).IsRowVersion();
    }
}
