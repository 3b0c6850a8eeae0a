using System.Threading.Channels;
using ControlPlane.KubernetesEmulator.Resources;

namespace ControlPlane.KubernetesEmulator.Storage;

/// <summary>A live watch on one resource type, optionally one namespace; disposing it stops delivery.</summary>
internal sealed class WatchSubscription(ResourceType type, string? ns, Action<WatchSubscription> unsubscribe) : IDisposable
{
    // Unbounded so a slow HTTP reader never blocks a writer holding the store lock.
    private readonly Channel<WatchEvent> _events = Channel.CreateUnbounded<WatchEvent>();

    public ChannelReader<WatchEvent> Events => _events.Reader;

    public bool Matches(ObjectKey key) => key.Type == type && (ns is null || key.Namespace == ns);

    public void Publish(WatchEvent change) => _events.Writer.TryWrite(change with { Object = change.Object.DeepClone().AsObject() });

    public void Dispose()
    {
        unsubscribe(this);
        _events.Writer.TryComplete();
    }
}
