using System.Collections.Concurrent;

namespace ControlPlane.KubernetesEmulator.Http;

/// <summary>Every answered request, in completion order.</summary>
internal sealed class RequestLog
{
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();

    public IReadOnlyList<RecordedRequest> Snapshot() => [.. _requests];

    public void Add(RecordedRequest request) => _requests.Enqueue(request);

    public void Clear() => _requests.Clear();
}
