namespace ControlPlane.Infrastructure.Persistence.Notifications;

/// <summary>One LISTEN/NOTIFY channel followed by <see cref="NotificationListener"/>.</summary>
internal interface INotificationChannel
{
    /// <summary>The channel's name: an SQL identifier constant.</summary>
    string Name { get; }

    /// <summary>Applies one notification's payload (on the listener's connection thread: keep it short).</summary>
    void Apply(string payload);

    /// <summary>Catches up after (re)connecting: notifications sent while the listener was away are lost.</summary>
    Task ResynchroniseAsync(CancellationToken cancellationToken);
}
