using ControlPlane.Domain.Clusters;
using ControlPlane.Domain.Placements;
using ControlPlane.Domain.Rollouts;
using ControlPlane.Domain.Slos;

namespace ControlPlane.Application.Slos;

/// <summary>
/// The one rule for a placement's HTTPRoute, from what the database holds: an SLO fallback in force takes its weight; a
/// canary rollout takes its step's weight of the rest; a shadow rollout mirrors its percent to the canary without taking
/// any weight; the stable placement keeps the remainder. With a Gateway registered on the cluster the route attaches to
/// it and stays (100% stable) when nothing splits; without one, a route with nothing to split is removed.
/// </summary>
public static class TrafficSplits
{
    public static TrafficSplit Of(Placement placement, Cluster cluster, IEnumerable<Slo> slos, Rollout? rollout)
    {
        var gateway = cluster.GatewayName is null ? null : new GatewayParent(cluster.GatewayNamespace!, cluster.GatewayName);
        if (PlacementPhases.Finished.Contains(placement.Phase) || placement.Phase == PlacementPhase.Terminating)
        {
            return new TrafficSplit(placement.Tenant, placement.Name, []);
        }

        var fallback = slos.SelectMany(s => s.Remediation.Where(r => r.Action == RemediationAction.Fallback && s.Active(RemediationAction.Fallback) is not null))
            .OrderByDescending(r => r.Weight).FirstOrDefault();
        var active = rollout is { IsActive: true } ? rollout : null;
        var rest = 100 - (fallback?.Weight ?? 0);
        var canary = active is null ? 0 : rest * active.Weight / 100;
        var backends = new List<TrafficBackend> { new(placement.Name, rest - canary) };
        if (canary > 0)
        {
            backends.Add(new TrafficBackend(Rollout.CanaryName(placement.Name), canary));
        }

        if (fallback is not null)
        {
            backends.Add(new TrafficBackend(fallback.Placement!, fallback.Weight!.Value));
        }

        var mirror = active is { Strategy.Type: RolloutStrategyType.Shadow }
            ? new TrafficMirror(Rollout.CanaryName(placement.Name), active.Strategy.MirrorPercent!.Value)
            : null;
        var splits = backends.Count > 1 || mirror is not null;
        return splits || gateway is not null
            ? new TrafficSplit(placement.Tenant, placement.Name, backends, mirror, gateway)
            : new TrafficSplit(placement.Tenant, placement.Name, []);
    }
}
