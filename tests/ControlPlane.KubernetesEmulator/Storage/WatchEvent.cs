using System.Text.Json.Nodes;

namespace ControlPlane.KubernetesEmulator.Storage;

/// <summary>One change to the store, as a watch stream reports it: ADDED, MODIFIED or DELETED.</summary>
internal sealed record WatchEvent(string Type, ObjectKey Key, long ResourceVersion, JsonObject Object);
