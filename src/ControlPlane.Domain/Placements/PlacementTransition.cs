using ControlPlane.Domain.Common;

namespace ControlPlane.Domain.Placements;

/// <summary>One phase change of a placement, append-only.</summary>
public sealed class PlacementTransition
{
    private PlacementTransition()
    {
    }

    public long Id { get; private set; }
    public Guid PlacementId { get; private set; }
    public PlacementPhase Phase { get; private set; }
    public DateTimeOffset At { get; private set; }
    public string? Message { get; private set; }

    public static PlacementTransition Of(Guid placementId, PlacementPhase phase, DateTimeOffset at, string? message) =>
        new() { PlacementId = placementId, Phase = phase, At = at, Message = StatusMessage.Fit(message) };
}
