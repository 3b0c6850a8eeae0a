using System.Collections.Concurrent;
using System.Globalization;

namespace ControlPlane.Infrastructure.Identity.Revocation;

/// <summary>
/// This replica's copy of the revocation table, consulted on every authenticated request (two dictionary lookups).
/// Notifications raise single entries at once; the poll replaces the whole set, keeping only entries newer than what
/// it read (a notification that arrived while the poll's query ran) so that pruned revocations leave memory too.
/// </summary>
internal sealed class RevocationEpochs
{
    private readonly ConcurrentDictionary<string, long> _clients = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _tenants = new(StringComparer.Ordinal);

    /// <summary>True when the token was stamped before its client's or its tenant's latest revocation.</summary>
    public bool Refuses(string? clientId, long clientEpoch, string? tenant, long tenantEpoch) =>
        (clientId is not null && _clients.TryGetValue(clientId, out var client) && client > clientEpoch)
        || (tenant is not null && _tenants.TryGetValue(tenant, out var revoked) && revoked > tenantEpoch);

    /// <summary>Applies one notification payload, "&lt;principal&gt;=&lt;epoch&gt;"; anything else is ignored.</summary>
    public void Apply(string payload)
    {
        var separator = payload.LastIndexOf('=');
        if (separator > 0 && long.TryParse(payload.AsSpan(separator + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var epoch))
        {
            Raise(payload[..separator], epoch);
        }
    }

    /// <summary>Replaces the set with what the database holds now.</summary>
    public void Replace(IReadOnlyCollection<TokenRevocation> stored)
    {
        var newest = 0L;
        foreach (var revocation in stored)
        {
            Raise(revocation.Principal, revocation.Epoch);
            newest = Math.Max(newest, revocation.Epoch);
        }

        var kept = stored.Select(r => r.Principal).ToHashSet(StringComparer.Ordinal);
        Forget(_clients, RevocationPrincipals.ClientPrefix, kept, newest);
        Forget(_tenants, RevocationPrincipals.TenantPrefix, kept, newest);
    }

    private void Raise(string principal, long epoch)
    {
        var (entries, name) = principal.StartsWith(RevocationPrincipals.ClientPrefix, StringComparison.Ordinal)
            ? (_clients, principal[RevocationPrincipals.ClientPrefix.Length..])
            : principal.StartsWith(RevocationPrincipals.TenantPrefix, StringComparison.Ordinal)
                ? (_tenants, principal[RevocationPrincipals.TenantPrefix.Length..])
                : (null, "");
        entries?.AddOrUpdate(name, epoch, (_, known) => Math.Max(known, epoch));
    }

    // An entry the database no longer holds was pruned (every token it refused has expired), unless it is newer
    // than anything read: then its notification overtook the read. Removal is conditional on the value, so a
    // concurrent raise of the same entry is never lost.
    private static void Forget(ConcurrentDictionary<string, long> entries, string prefix, HashSet<string> kept, long newest)
    {
        foreach (var entry in entries)
        {
            if (entry.Value <= newest && !kept.Contains(prefix + entry.Key))
            {
                entries.TryRemove(entry);
            }
        }
    }
}
