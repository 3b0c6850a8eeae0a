using ControlPlane.Domain.Common;
using ControlPlane.Domain.Slos;
using ControlPlane.Domain.Tenants;
using ControlPlane.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ControlPlane.Infrastructure.Slos;

internal sealed class SloConfiguration : IEntityTypeConfiguration<Slo>
{
    public void Configure(EntityTypeBuilder<Slo> builder)
    {
        builder.HasKey(s => s.Id);
        builder.HasIndex(s => new { s.TenantId, s.Name }).IsUnique();
        builder.HasIndex(s => new { s.TenantId, s.Placement });
        builder.HasIndex(s => s.NextEvaluationAt);
        builder.HasOne<Tenant>().WithMany().HasForeignKey(s => s.TenantId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(s => s.Tenant).HasMaxLength(ResourceName.MaxLength);
        builder.Property(s => s.Name).HasMaxLength(ResourceName.MaxLength);
        builder.Property(s => s.Placement).HasMaxLength(ResourceName.MaxLength);
        builder.Property(s => s.Window).HasMaxLength(16);
        builder.Property(s => s.Indicator).HasJsonb();
        builder.Property(s => s.Remediation).HasJsonb();
        builder.Property(s => s.State).HasConversion<string>().HasMaxLength(16);
        builder.Property(s => s.StateReason).HasMaxLength(2000);
        builder.Property(s => s.BurnRates).HasJsonb();
        builder.Property(s => s.FiringAlerts).HasJsonb();
        builder.Property(s => s.ActiveRemediations).HasJsonb();
        builder.Property(s => s.LastActionAt).HasJsonb();
        builder.Ignore(s => s.Budget);
        builder.Ignore(s => s.WindowDuration);
        builder.Property(s => s.Version).IsRowVersion();
        builder.ToTable(t => t.HasCheckConstraint("ck_slos_objective", "objective > 0 AND objective < 100"));
    }
}

internal sealed class SloEvaluationConfiguration : IEntityTypeConfiguration<SloEvaluation>
{
    public void Configure(EntityTypeBuilder<SloEvaluation> builder)
    {
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).UseIdentityAlwaysColumn();
        builder.HasIndex(e => new { e.SloId, e.At });
        builder.HasOne<Slo>().WithMany().HasForeignKey(e => e.SloId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(e => e.State).HasConversion<string>().HasMaxLength(16);
        builder.Property(e => e.BurnRates).HasJsonb();
    }
}
