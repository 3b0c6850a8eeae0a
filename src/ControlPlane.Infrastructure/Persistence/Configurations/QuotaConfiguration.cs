using ControlPlane.Domain.Quotas;
using ControlPlane.Domain.Tenants;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ControlPlane.Infrastructure.Persistence.Configurations;

internal sealed class QuotaConfiguration : IEntityTypeConfiguration<Quota>
{
    public void Configure(EntityTypeBuilder<Quota> builder)
    {
        builder.HasKey(q => new { q.TenantId, q.Resource });
        builder.Property(q => q.Resource).HasMaxLength(64);
        builder.HasOne<Tenant>().WithMany().HasForeignKey(q => q.TenantId).OnDelete(DeleteBehavior.Cascade);
        builder.Ignore(q => q.Percentage);
        builder.Ignore(q => q.Remaining);
        builder.Property(q => q.Version).IsRowVersion();
        builder.ToTable(t => t.HasCheckConstraint("ck_quotas_non_negative", "\"limit\" >= 0 AND used >= 0"));
    }
}
