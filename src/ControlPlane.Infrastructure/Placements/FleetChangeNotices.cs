using ControlPlane.Application.Placements;
using ControlPlane.Infrastructure.Persistence.Notifications;

namespace ControlPlane.Infrastructure.Placements;

/// <summary>
/// The fleet's shape version on this replica: raised by this replica's own changes at once and by every replica's
/// (this one's included) through the <see cref="Channel"/> notification sent when they commit.
/// </summary>
internal sealed class FleetChangeNotices : IFleetChanges, INotificationChannel
{
    public const string Channel = "controlplane_fleet_changed";

    private long _version;

    public long Version => Interlocked.Read(ref _version);

    string INotificationChannel.Name => Channel;

    public void Raise() => Interlocked.Increment(ref _version);

    void INotificationChannel.Apply(string payload) => Raise();

    // Whatever changed while the listener was away: a raise makes every cached snapshot stale.
    Task INotificationChannel.ResynchroniseAsync(CancellationToken cancellationToken)
    {
        Raise();
        return Task.CompletedTask;
    }
}
