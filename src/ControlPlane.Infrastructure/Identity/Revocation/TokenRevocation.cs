using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ControlPlane.Infrastructure.Identity.Revocation;

/// <summary>
/// Tokens of <see cref="Principal"/> stamped with an epoch below <see cref="Epoch"/> are refused. Epochs come from one
/// sequence, so a later revocation always has a higher epoch than any token stamped before it.
/// </summary>
public sealed class TokenRevocation
{
    /// <summary>"client:&lt;client id&gt;" or "tenant:&lt;tenant name&gt;" (see <see cref="RevocationPrincipals"/>).</summary>
    public string Principal { get; set; } = "";

    public long Epoch { get; set; }

    public DateTimeOffset RevokedAt { get; set; }
}

internal sealed class TokenRevocationConfiguration : IEntityTypeConfiguration<TokenRevocation>
{
    /// <summary>The sequence every revocation epoch is drawn from.</summary>
    public const string EpochSequence = "token_revocation_epochs";

    public void Configure(EntityTypeBuilder<TokenRevocation> builder)
    {
        builder.HasKey(r => r.Principal);
        builder.Property(r => r.Principal).HasMaxLength(300);
        builder.HasIndex(r => r.RevokedAt);
    }
}
