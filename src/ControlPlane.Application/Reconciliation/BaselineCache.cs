using System.Collections.Concurrent;
using ControlPlane.Application.Clusters;

namespace ControlPlane.Application.Reconciliation;

/// <summary>
/// Remembers which tenant baselines this process already applied to which cluster, so a burst of placements does not
/// re-apply seven unchanged objects each time. Server-side apply is idempotent, so forgetting (a restart) is harmless.
/// </summary>
public sealed class BaselineCache
{
    private readonly ConcurrentDictionary<(string Cluster, string Tenant), string> _applied = new();

    public bool IsCurrent(string cluster, TenantBaseline baseline) =>
        _applied.TryGetValue((cluster, baseline.Tenant), out var applied) && applied == Fingerprint(baseline);

    public void Applied(string cluster, TenantBaseline baseline) => _applied[(cluster, baseline.Tenant)] = Fingerprint(baseline);

    private static string Fingerprint(TenantBaseline baseline) =>
        $"{baseline.Tier}|{string.Join(',', baseline.GpuQuota.Select(kv => $"{kv.Key}={kv.Value}"))}|{string.Join(',', baseline.ObjectStoreEgressCidrs)}";
}
