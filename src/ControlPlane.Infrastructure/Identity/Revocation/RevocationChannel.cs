using ControlPlane.Infrastructure.Persistence.Notifications;

namespace ControlPlane.Infrastructure.Identity.Revocation;

/// <summary>Applies revocations the moment another replica commits them; a reconnection re-reads the table.</summary>
internal sealed class RevocationChannel(RevocationEpochs epochs, RevocationTable table) : INotificationChannel
{
    public string Name => RevocationPrincipals.Channel;

    public void Apply(string payload) => epochs.Apply(payload);

    public Task ResynchroniseAsync(CancellationToken cancellationToken) => table.RefreshAsync(cancellationToken);
}
