using ControlPlane.Domain.Billing;
using ControlPlane.Domain.Tenants;
using ControlPlane.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ControlPlane.Infrastructure.Billing;

internal sealed class PriceBookConfiguration : IEntityTypeConfiguration<PriceBook>
{
    public void Configure(EntityTypeBuilder<PriceBook> builder)
    {
        builder.HasKey(b => b.Version);
        builder.Property(b => b.Version).ValueGeneratedNever();
        builder.HasIndex(b => b.EffectiveFrom).IsUnique();
        builder.Property(b => b.Currency).HasMaxLength(3).IsFixedLength();
        builder.Property(b => b.CreatedBy).HasMaxLength(200);
        builder.Property(b => b.Prices).HasJsonb();
    }
}

internal sealed class StatementConfiguration : IEntityTypeConfiguration<Statement>
{
    public void Configure(EntityTypeBuilder<Statement> builder)
    {
        builder.HasKey(s => new { s.TenantId, s.Month });
        builder.HasOne<Tenant>().WithMany().HasForeignKey(s => s.TenantId).OnDelete(DeleteBehavior.Restrict);
        builder.Property(s => s.Currency).HasMaxLength(3).IsFixedLength();
        builder.Property(s => s.Total).HasColumnType(Money.TotalColumn);
        builder.Property(s => s.ClosedBy).HasMaxLength(200);
        builder.Property(s => s.Lines).HasJsonb();
    }
}

internal sealed class BudgetConfiguration : IEntityTypeConfiguration<Budget>
{
    public void Configure(EntityTypeBuilder<Budget> builder)
    {
        builder.HasKey(b => b.TenantId);
        builder.HasOne<Tenant>().WithMany().HasForeignKey(b => b.TenantId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(b => b.MonthlyAmount).HasColumnType(Money.AmountColumn);
        builder.Property(b => b.AlertThresholds).HasJsonb();
        builder.Property(b => b.Version).IsRowVersion();
        builder.ToTable(t => t.HasCheckConstraint("ck_budgets_positive", "monthly_amount > 0"));
    }
}

internal sealed class BudgetAlertConfiguration : IEntityTypeConfiguration<BudgetAlert>
{
    public void Configure(EntityTypeBuilder<BudgetAlert> builder)
    {
        builder.HasKey(a => new { a.TenantId, a.Month, a.Threshold });
        builder.HasOne<Tenant>().WithMany().HasForeignKey(a => a.TenantId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(a => a.Spend).HasColumnType(Money.TotalColumn);
    }
}
