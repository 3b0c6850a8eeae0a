namespace ControlPlane.Infrastructure.Identity.Revocation;

/// <summary>
/// The revocation epochs <see cref="ClientWithEpochsStore"/> read with a client (or <see cref="BoundServiceAccountsWithEpochs"/>
/// with a workload's binding), kept for the rest of the request (scoped) so that <see cref="RevocationEpochStamper"/>
/// stamps them without another round trip.
/// </summary>
internal sealed class IssuanceEpochs
{
    private (string ClientId, long ClientEpoch, string? Tenant, long TenantEpoch)? _read;

    /// <summary>
    /// The tenant a service account's client id names ("&lt;tenant&gt;.&lt;account&gt;.&lt;suffix&gt;"), whose epoch
    /// is worth reading with the client; only a guess — the tenant claim comes from the client's properties, and an
    /// epoch is used only for the tenant it was read for.
    /// </summary>
    public static string? TenantNamedBy(string clientId) => clientId.IndexOf('.', StringComparison.Ordinal) is > 0 and var dot ? clientId[..dot] : null;

    public void Read(string clientId, long clientEpoch, string? tenant, long tenantEpoch) => _read = (clientId, clientEpoch, tenant, tenantEpoch);

    /// <summary>The client's epoch read with it; 0 (refused by any revocation) when this request did not look it up.</summary>
    public long ClientEpoch(string? clientId) => ClientEpochIfRead(clientId) ?? 0;

    /// <summary>The client's epoch when this request read it (with the client, or with the binding that names it), or null.</summary>
    public long? ClientEpochIfRead(string? clientId) => _read is { } read && read.ClientId == clientId ? read.ClientEpoch : null;

    /// <summary>The tenant's epoch when it was read with the client, or null.</summary>
    public long? TenantEpoch(string tenant) => _read is { } read && read.Tenant == tenant ? read.TenantEpoch : null;
}
