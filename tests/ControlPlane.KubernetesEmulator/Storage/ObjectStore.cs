using System.Globalization;
using System.Text.Json.Nodes;
using ControlPlane.KubernetesEmulator.Http;
using ControlPlane.KubernetesEmulator.Resources;

namespace ControlPlane.KubernetesEmulator.Storage;

/// <summary>
/// The emulated etcd: every object of every type, one global resourceVersion counter, and the change
/// history that watches replay. All access goes through one lock; callers only ever see clones.
/// </summary>
internal sealed class ObjectStore
{
    private const int HistoryLimit = 10_000;

    private readonly Lock _gate = new();
    private readonly Dictionary<ObjectKey, JsonObject> _objects = [];
    private readonly Queue<WatchEvent> _history = new();
    private readonly List<WatchSubscription> _watchers = [];
    private readonly List<Action<ObjectKey>> _controllers = [];
    private readonly Queue<ObjectKey> _changed = new();
    private bool _notifying;
    private long _resourceVersion;
    private long _evictedThrough;

    /// <summary>
    /// Runs <paramref name="controller"/> after every change (create, update, delete) of any object, still under the
    /// store lock, so a simulated controller's reaction is atomic with the write that caused it and tests never race it.
    /// The lock is reentrant: the controller reads and writes through this store. A controller's own writes notify too;
    /// it must write only what changes something, so that it settles (a write that changes nothing is not a change).
    /// </summary>
    public void AddController(Action<ObjectKey> controller)
    {
        lock (_gate)
        {
            _controllers.Add(controller);
        }
    }

    public JsonObject? Get(ObjectKey key)
    {
        lock (_gate)
        {
            return _objects.TryGetValue(key, out var obj) ? Clone(obj) : null;
        }
    }

    /// <summary>Objects of one type (in one namespace, or all when <paramref name="ns"/> is null), in etcd key order.</summary>
    public (List<JsonObject> Items, string ResourceVersion) List(ResourceType type, string? ns)
    {
        lock (_gate)
        {
            var items = _objects
                .Where(p => p.Key.Type == type && (ns is null || p.Key.Namespace == ns))
                .OrderBy(p => p.Key.Namespace, StringComparer.Ordinal)
                .ThenBy(p => p.Key.Name, StringComparer.Ordinal)
                .Select(p => Clone(p.Value))
                .ToList();
            return (items, CurrentResourceVersion());
        }
    }

    /// <param name="keepStatus">True for types with a status subresource: a create cannot set status.</param>
    public JsonObject Create(ObjectKey key, JsonObject desired, bool keepStatus)
    {
        lock (_gate)
        {
            if (_objects.ContainsKey(key))
            {
                throw ApiException.AlreadyExists(key.Type.QualifiedResource, key.Name);
            }

            return Commit(key, existing: null, Clone(desired), keepStatus);
        }
    }

    /// <summary>
    /// Replaces an object with what <paramref name="change"/> makes of (a clone of) the live one; the
    /// function runs under the store lock so read-modify-write is atomic.
    /// </summary>
    /// <param name="allowCreate">When false a missing object is a 404; when true <paramref name="change"/> receives null.</param>
    /// <param name="keepStatus">True for writes to the main resource of a type with a status subresource.</param>
    public (JsonObject Object, bool Created) Write(ObjectKey key, Func<JsonObject?, JsonObject> change, bool allowCreate, bool keepStatus)
    {
        lock (_gate)
        {
            _objects.TryGetValue(key, out var existing);
            if (existing is null && !allowCreate)
            {
                throw ApiException.NotFound(key.Type.QualifiedResource, key.Name);
            }

            var desired = change(existing is null ? null : Clone(existing));
            return (Commit(key, existing, desired, keepStatus), existing is null);
        }
    }

    /// <summary>Deletes an object; deleting a namespace deletes everything in it, immediately.</summary>
    public JsonObject Delete(ObjectKey key)
    {
        lock (_gate)
        {
            if (!_objects.TryGetValue(key, out var existing))
            {
                throw ApiException.NotFound(key.Type.QualifiedResource, key.Name);
            }

            if (key.Type == ResourceCatalog.Namespaces)
            {
                foreach (var contained in _objects.Keys.Where(k => k.Type.Namespaced && k.Namespace == key.Name).ToList())
                {
                    Remove(contained);
                }
            }

            Remove(key);
            return Clone(existing);
        }
    }

    /// <summary>
    /// Starts a watch. Without a resourceVersion (or with "0") every current object is sent as ADDED first,
    /// as the real server does; with one, the changes after it are replayed from history.
    /// </summary>
    public WatchSubscription Watch(ResourceType type, string? ns, long? sinceResourceVersion)
    {
        lock (_gate)
        {
            var subscription = new WatchSubscription(type, ns, Unsubscribe);
            if (sinceResourceVersion is null or 0)
            {
                foreach (var (key, obj) in _objects.Where(p => subscription.Matches(p.Key)).OrderBy(p => ResourceVersionOf(p.Value)))
                {
                    subscription.Publish(new WatchEvent("ADDED", key, ResourceVersionOf(obj), obj));
                }
            }
            else if (sinceResourceVersion < _evictedThrough)
            {
                throw new ApiException(410, "Expired", $"too old resource version: {sinceResourceVersion} ({_evictedThrough})");
            }
            else
            {
                foreach (var change in _history.Where(e => e.ResourceVersion > sinceResourceVersion && subscription.Matches(e.Key)))
                {
                    subscription.Publish(change);
                }
            }

            _watchers.Add(subscription);
            return subscription;
        }
    }

    private JsonObject Commit(ObjectKey key, JsonObject? existing, JsonObject desired, bool keepStatus)
    {
        if (existing is null && key.Type.Namespaced && !_objects.ContainsKey(ObjectKey.For(ResourceCatalog.Namespaces, null, key.Namespace)))
        {
            throw ApiException.NamespaceNotFound(key.Namespace);
        }

        var metadata = StampIdentity(key, existing, desired, keepStatus);
        ApplyTypeDefaults(key, desired);
        if (existing is not null)
        {
            // A write that changes nothing is not a write: no new resourceVersion, no watch event.
            metadata["resourceVersion"] = existing["metadata"]?["resourceVersion"]?.DeepClone();
            if (JsonNode.DeepEquals(WithoutVolatileFields(existing), WithoutVolatileFields(desired)))
            {
                return Clone(existing);
            }
        }

        metadata["resourceVersion"] = NextResourceVersion().ToString(CultureInfo.InvariantCulture);
        var stored = AsParsedJson(desired);
        _objects[key] = stored;
        Record(new WatchEvent(existing is null ? "ADDED" : "MODIFIED", key, _resourceVersion, stored));
        return Clone(stored);
    }

    private static JsonObject StampIdentity(ObjectKey key, JsonObject? existing, JsonObject desired, bool keepStatus)
    {
        desired["apiVersion"] = key.Type.ApiVersion;
        desired["kind"] = key.Type.Kind;
        if (desired["metadata"] is not JsonObject metadata)
        {
            metadata = new JsonObject();
            desired["metadata"] = metadata;
        }

        metadata["name"] = key.Name;
        if (key.Type.Namespaced)
        {
            metadata["namespace"] = key.Namespace;
        }
        else
        {
            metadata.Remove("namespace");
        }

        if (keepStatus)
        {
            desired.Remove("status");
            if (existing?["status"] is { } status)
            {
                desired["status"] = status.DeepClone();
            }
        }

        if (existing is null)
        {
            metadata["uid"] = Guid.NewGuid().ToString();
            metadata["creationTimestamp"] = ManagedFieldsEntry.Now();
            metadata["generation"] = 1;
            return metadata;
        }

        var existingMetadata = (JsonObject)existing["metadata"]!;
        metadata["uid"] = existingMetadata["uid"]?.DeepClone();
        metadata["creationTimestamp"] = existingMetadata["creationTimestamp"]?.DeepClone();

        // generation counts changes to the desired state: anything outside metadata and status.
        var generation = (long?)existingMetadata["generation"] ?? 1;
        metadata["generation"] = JsonNode.DeepEquals(DesiredState(existing), DesiredState(desired)) ? generation : generation + 1;
        return metadata;
    }

    /// <summary>What the real API server adds to every namespace, and which network policies select on.</summary>
    private static void ApplyTypeDefaults(ObjectKey key, JsonObject desired)
    {
        if (key.Type != ResourceCatalog.Namespaces)
        {
            return;
        }

        var metadata = (JsonObject)desired["metadata"]!;
        if (metadata["labels"] is not JsonObject labels)
        {
            labels = new JsonObject();
            metadata["labels"] = labels;
        }

        labels["kubernetes.io/metadata.name"] = key.Name;
        desired["status"] ??= new JsonObject { ["phase"] = "Active" };
    }

    private void Remove(ObjectKey key)
    {
        // A copy, because history still holds the stored instance as the state of an earlier event.
        var removed = Clone(_objects[key]);
        _objects.Remove(key);
        removed["metadata"]!["resourceVersion"] = NextResourceVersion().ToString(CultureInfo.InvariantCulture);
        Record(new WatchEvent("DELETED", key, _resourceVersion, removed));
    }

    private void Record(WatchEvent change)
    {
        _history.Enqueue(change);
        if (_history.Count > HistoryLimit)
        {
            _evictedThrough = _history.Dequeue().ResourceVersion;
        }

        foreach (var watcher in _watchers.Where(w => w.Matches(change.Key)))
        {
            watcher.Publish(change);
        }

        Notify(change.Key);
    }

    /// <summary>Changes made while controllers run are queued and handled in order, not recursively.</summary>
    private void Notify(ObjectKey key)
    {
        if (_controllers.Count == 0)
        {
            return;
        }

        _changed.Enqueue(key);
        if (_notifying)
        {
            return;
        }

        _notifying = true;
        try
        {
            while (_changed.TryDequeue(out var next))
            {
                foreach (var controller in _controllers)
                {
                    controller(next);
                }
            }
        }
        finally
        {
            _notifying = false;
        }
    }

    private void Unsubscribe(WatchSubscription subscription)
    {
        lock (_gate)
        {
            _watchers.Remove(subscription);
        }
    }

    private long NextResourceVersion() => ++_resourceVersion;

    private string CurrentResourceVersion() => _resourceVersion.ToString(CultureInfo.InvariantCulture);

    private static long ResourceVersionOf(JsonObject obj) =>
        long.Parse((string?)obj["metadata"]?["resourceVersion"] ?? "0", CultureInfo.InvariantCulture);

    private static JsonObject DesiredState(JsonObject obj)
    {
        var copy = Clone(obj);
        copy.Remove("metadata");
        copy.Remove("status");
        return copy;
    }

    /// <summary>The object without what changes on every write even when nothing was asked to change.</summary>
    private static JsonObject WithoutVolatileFields(JsonObject obj)
    {
        var copy = Clone(obj);
        foreach (var entry in copy["metadata"]?["managedFields"]?.AsArray().OfType<JsonObject>() ?? [])
        {
            entry.Remove("time");
        }

        return copy;
    }

    private static JsonObject Clone(JsonObject obj) => obj.DeepClone().AsObject();

    /// <summary>
    /// Values built in code keep their CLR type (an int cannot be read back as a long); stored values are
    /// re-parsed so every reader can convert them as freely as values that arrived over the wire.
    /// </summary>
    private static JsonObject AsParsedJson(JsonObject obj) => JsonNode.Parse(obj.ToJsonString())!.AsObject();
}
