using ControlPlane.Domain.Placements;
using ControlPlane.Domain.Common;

namespace ControlPlane.Application.Clusters;

/// <summary>
/// The PriorityClasses placements run under, one per <see cref="PlacementPriority"/>, applied to every cluster at
/// registration and on every capacity sync. Values stay far below the system classes (2,000,000,000 and up) so the
/// cluster's own components always win; <c>low</c> never preempts, so cheap work waits instead of evicting others.
/// </summary>
public static class ControlPlanePriorityClasses
{
    public static readonly IReadOnlyList<OwnedPriorityClass> All =
    [
        new(NameOf(PlacementPriority.Critical), 1_000_000, Preempts: true, "ControlPlane critical placements: scheduled first, may preempt every lower class."),
        new(NameOf(PlacementPriority.High), 100_000, Preempts: true, "ControlPlane high-priority placements: may preempt normal and low."),
        new(NameOf(PlacementPriority.Normal), 10_000, Preempts: true, "ControlPlane placements by default: may preempt low."),
        new(NameOf(PlacementPriority.Low), 1_000, Preempts: false, "ControlPlane low-priority placements: never preempt; wait for free capacity."),
    ];

    /// <summary>The PriorityClass name a placement's pods carry: controlplane-&lt;priority&gt;.</summary>
    public static string NameOf(PlacementPriority priority) => "controlplane-" + WireNames.Of(priority);
}
