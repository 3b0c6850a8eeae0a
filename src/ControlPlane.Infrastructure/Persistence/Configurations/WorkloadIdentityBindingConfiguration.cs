using ControlPlane.Domain.Clusters;
using ControlPlane.Domain.Common;
using ControlPlane.Domain.ServiceAccounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ControlPlane.Infrastructure.Persistence.Configurations;

internal sealed class WorkloadIdentityBindingConfiguration : IEntityTypeConfiguration<WorkloadIdentityBinding>
{
    public void Configure(EntityTypeBuilder<WorkloadIdentityBinding> builder)
    {
        builder.HasKey(b => b.Id);
        builder.HasIndex(b => new { b.ServiceAccountId, b.Name }).IsUnique();
        // One Kubernetes service account acts as at most one API identity: the exchange never has to choose.
        builder.HasIndex(b => new { b.ClusterId, b.Namespace, b.KubernetesServiceAccount }).IsUnique();
        builder.Property(b => b.Name).HasMaxLength(ResourceName.MaxLength);
        builder.Property(b => b.Namespace).HasMaxLength(ResourceName.MaxLength);
        builder.Property(b => b.KubernetesServiceAccount).HasMaxLength(ResourceName.MaxLength);
        builder.Ignore(b => b.Subject);
        builder.HasOne<ServiceAccount>().WithMany().HasForeignKey(b => b.ServiceAccountId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Cluster>().WithMany().HasForeignKey(b => b.ClusterId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(b => b.TenantId);
    }
}
