using ControlPlane.Domain.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ControlPlane.Infrastructure.Persistence.Configurations;

internal sealed class AuditEventConfiguration : IEntityTypeConfiguration<AuditEvent>
{
    public void Configure(EntityTypeBuilder<AuditEvent> builder)
    {
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).UseIdentityAlwaysColumn();
        builder.Property(e => e.Actor).HasMaxLength(200);
        builder.Property(e => e.Tenant).HasMaxLength(63);
        builder.Property(e => e.Action).HasMaxLength(100);
        builder.Property(e => e.Target).HasMaxLength(500);
        builder.Property(e => e.Outcome).HasMaxLength(32);
        builder.Property(e => e.RequestId).HasMaxLength(100);
        builder.Property(e => e.Details).HasJsonbConversion();
        // Tenants are deleted, their history is not: no foreign key, the tenant's name is kept as written.
        builder.HasIndex(e => new { e.Tenant, e.Id });
        builder.HasIndex(e => e.Time);
    }
}
