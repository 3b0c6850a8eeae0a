using ControlPlane.Domain.Common;
using ControlPlane.Domain.Models;
using ControlPlane.Domain.Tenants;
using ControlPlane.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ControlPlane.Infrastructure.Models;

internal sealed class ModelConfiguration : IEntityTypeConfiguration<Model>
{
    public void Configure(EntityTypeBuilder<Model> builder)
    {
        builder.HasKey(m => m.Id);
        builder.HasIndex(m => new { m.TenantId, m.Name }).IsUnique();
        builder.HasIndex(m => new { m.Tenant, m.Name });
        builder.HasOne<Tenant>().WithMany().HasForeignKey(m => m.TenantId).OnDelete(DeleteBehavior.Restrict);
        builder.Property(m => m.Tenant).HasMaxLength(ResourceName.MaxLength);
        builder.Property(m => m.Name).HasMaxLength(ResourceName.MaxLength);
        builder.Property(m => m.Description).HasMaxLength(Model.DescriptionMaxLength);
        builder.Property(m => m.Task).HasMaxLength(Model.TaskMaxLength);
        builder.Property(m => m.Labels).HasJsonbConversion();
        builder.Property(m => m.Version).IsRowVersion();
    }
}

internal sealed class ModelVersionConfiguration : IEntityTypeConfiguration<ModelVersion>
{
    public void Configure(EntityTypeBuilder<ModelVersion> builder)
    {
        builder.HasKey(v => v.Id);
        builder.HasIndex(v => new { v.ModelId, v.Number }).IsUnique();
        builder.HasIndex(v => new { v.ModelId, v.Digest }).IsUnique();
        builder.HasIndex(v => new { v.TenantId, v.Digest });
        builder.HasOne<Model>().WithMany().HasForeignKey(v => v.ModelId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(v => v.Digest).HasMaxLength(ModelVersionFileConfiguration.DigestLength);
        builder.Property(v => v.Format).HasConversion<string>().HasMaxLength(16);
        builder.Property(v => v.Quantization).HasConversion<string>().HasMaxLength(16);
        builder.Property(v => v.State).HasConversion<string>().HasMaxLength(16);
        builder.Property(v => v.DigestSource).HasConversion<string>().HasMaxLength(16);
        builder.Property(v => v.FailureReason).HasMaxLength(StatusMessage.MaxLength);
        builder.Property(v => v.Provenance).HasJsonb();
        builder.ToTable(t => t.HasCheckConstraint("ck_model_versions_size", "size_bytes > 0"));
    }
}

internal sealed class ModelVersionFileConfiguration : IEntityTypeConfiguration<ModelVersionFile>
{
    public void Configure(EntityTypeBuilder<ModelVersionFile> builder)
    {
        builder.HasKey(f => new { f.VersionId, f.Path });
        // References of a tenant's digest: what a delete asks before it gives a blob back.
        builder.HasIndex(f => new { f.TenantId, f.Digest });
        builder.HasOne<ModelVersion>().WithMany().HasForeignKey(f => f.VersionId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(f => f.Path).HasMaxLength(ModelManifest.PathMaxLength);
        builder.Property(f => f.Digest).HasMaxLength(DigestLength);
        builder.Property(f => f.MediaType).HasMaxLength(ModelManifest.MediaTypeMaxLength);
        builder.Property(f => f.UploadId).HasMaxLength(1024);
        builder.Ignore(f => f.PartCount);
        builder.ToTable(t => t.HasCheckConstraint("ck_model_version_files_size", "size_bytes > 0"));
    }

    internal const int DigestLength = 71;
}

internal sealed class StoredBlobConfiguration : IEntityTypeConfiguration<StoredBlob>
{
    public void Configure(EntityTypeBuilder<StoredBlob> builder)
    {
        builder.HasKey(b => new { b.TenantId, b.Digest });
        builder.HasOne<Tenant>().WithMany().HasForeignKey(b => b.TenantId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(b => b.Digest).HasMaxLength(ModelVersionFileConfiguration.DigestLength);
        builder.Property(b => b.Key).HasMaxLength(300);
        builder.ToTable(t => t.HasCheckConstraint("ck_stored_blobs_size", "size_bytes > 0"));
    }
}

internal sealed class ModelAliasConfiguration : IEntityTypeConfiguration<ModelAlias>
{
    public void Configure(EntityTypeBuilder<ModelAlias> builder)
    {
        builder.HasKey(a => new { a.ModelId, a.Name });
        builder.HasOne<Model>().WithMany().HasForeignKey(a => a.ModelId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(a => a.Name).HasMaxLength(ResourceName.MaxLength);
        builder.Property(a => a.Version).IsRowVersion();
    }
}
