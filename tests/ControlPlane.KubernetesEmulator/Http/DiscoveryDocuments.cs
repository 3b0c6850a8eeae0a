using System.Text.Json.Nodes;
using ControlPlane.KubernetesEmulator.Resources;

namespace ControlPlane.KubernetesEmulator.Http;

/// <summary>The discovery documents clients read before talking to resources: /version, /api, /apis and per group version.</summary>
internal static class DiscoveryDocuments
{
    public static JsonObject Version() => new()
    {
        ["major"] = "1",
        ["minor"] = "34",
        ["gitVersion"] = "v1.34.0-emulator",
        ["gitCommit"] = "0000000000000000000000000000000000000000",
        ["gitTreeState"] = "clean",
        ["buildDate"] = "2025-01-01T00:00:00Z",
        ["goVersion"] = "go1.24.0",
        ["compiler"] = "gc",
        ["platform"] = "linux/amd64",
    };

    public static JsonObject CoreVersions(string serverAddress) => new()
    {
        ["kind"] = "APIVersions",
        ["versions"] = new JsonArray("v1"),
        ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = serverAddress }),
    };

    public static JsonObject Groups() => new()
    {
        ["kind"] = "APIGroupList",
        ["apiVersion"] = "v1",
        ["groups"] = new JsonArray(ResourceCatalog.GroupVersions.Where(gv => gv.Group.Length > 0).Select(gv =>
        {
            var version = new JsonObject { ["groupVersion"] = $"{gv.Group}/{gv.Version}", ["version"] = gv.Version };
            return (JsonNode)new JsonObject
            {
                ["name"] = gv.Group,
                ["versions"] = new JsonArray(version),
                ["preferredVersion"] = version.DeepClone(),
            };
        }).ToArray()),
    };

    /// <summary>The APIResourceList of one group version, or null when the emulator does not serve it.</summary>
    public static JsonObject? Resources(string group, string version)
    {
        var types = ResourceCatalog.All.Where(t => t.Group == group && t.Version == version).ToList();
        if (types.Count == 0)
        {
            return null;
        }

        return new JsonObject
        {
            ["kind"] = "APIResourceList",
            ["apiVersion"] = "v1",
            ["groupVersion"] = types[0].ApiVersion,
            ["resources"] = new JsonArray(types.SelectMany(Describe).ToArray()),
        };
    }

    private static IEnumerable<JsonNode> Describe(ResourceType type)
    {
        yield return new JsonObject
        {
            ["name"] = type.Plural,
            ["singularName"] = type.Singular,
            ["namespaced"] = type.Namespaced,
            ["kind"] = type.Kind,
            ["verbs"] = new JsonArray(VerbNames(type.Verbs).Select(v => (JsonNode)v).ToArray()),
        };
        if (type.HasStatus)
        {
            yield return new JsonObject
            {
                ["name"] = type.Plural + "/status",
                ["singularName"] = "",
                ["namespaced"] = type.Namespaced,
                ["kind"] = type.Kind,
                ["verbs"] = new JsonArray("get"),
            };
        }
    }

    private static IEnumerable<string> VerbNames(ResourceVerbs verbs) =>
        Enum.GetValues<ResourceVerbs>()
            .Where(v => v is not (ResourceVerbs.None or ResourceVerbs.ReadOnly or ResourceVerbs.All) && verbs.HasFlag(v))
            .Select(v => v.ToString().ToLowerInvariant());
}
