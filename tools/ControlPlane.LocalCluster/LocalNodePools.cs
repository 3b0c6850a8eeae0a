using System.Globalization;
using System.Text.Json.Nodes;

namespace ControlPlane.LocalCluster;

/// <summary>
/// The node pools of the local cluster, read from <c>node-pools.json</c>: each entry is the body scripts/run.sh posts to
/// <c>/v1/clusters/local/node-pools</c>, and the Nodes made from it carry what the control plane's capacity sync reads —
/// the pool's labels (membership), its taints, and allocatable <c>nvidia.com/gpu</c> or, for MIG, <c>nvidia.com/mig-&lt;profile&gt;</c>.
/// </summary>
public static class LocalNodePools
{
    public const string FileName = "node-pools.json";

    /// <summary>The pool registrations shipped next to the host's assembly.</summary>
    public static IReadOnlyList<JsonObject> Load(string? path = null)
    {
        path ??= Path.Combine(AppContext.BaseDirectory, FileName);
        var pools = JsonNode.Parse(File.ReadAllText(path)) as JsonArray
            ?? throw new InvalidDataException($"{path} must hold a JSON array of node pools.");
        return [.. pools.Select(p => p as JsonObject ?? throw new InvalidDataException($"{path}: every node pool is a JSON object."))];
    }

    /// <summary>The Node objects of one pool, named <c>&lt;pool&gt;-&lt;n&gt;</c>, Ready and schedulable.</summary>
    public static IEnumerable<JsonObject> NodesOf(JsonObject pool)
    {
        var name = Required<string>(pool, "name");
        var gpusPerNode = Required<int>(pool, "gpusPerNode");
        var gpuModel = Required<string>(pool, "gpuModel");
        var migProfiles = (pool["migProfiles"] as JsonArray ?? []).OfType<JsonObject>().ToList();

        // With MIG in the device plugin's "mixed" strategy a partitioned GPU is offered only as slices, not as nvidia.com/gpu.
        var allocatable = new JsonObject
        {
            ["cpu"] = "96",
            ["memory"] = "1536Gi",
            ["pods"] = "110",
            ["nvidia.com/gpu"] = (migProfiles.Count > 0 ? 0 : gpusPerNode).ToString(CultureInfo.InvariantCulture),
        };
        foreach (var mig in migProfiles)
        {
            allocatable[$"nvidia.com/mig-{Required<string>(mig, "profile")}"] =
                (Required<int>(mig, "perGpu") * gpusPerNode).ToString(CultureInfo.InvariantCulture);
        }

        for (var i = 1; i <= Required<int>(pool, "nodeCount"); i++)
        {
            var nodeName = $"{name}-{i}";
            var labels = (pool["labels"] as JsonObject ?? []).DeepClone().AsObject();
            labels["kubernetes.io/hostname"] = nodeName;
            labels["kubernetes.io/os"] = "linux";
            labels["nvidia.com/gpu.count"] = gpusPerNode.ToString(CultureInfo.InvariantCulture);
            labels["nvidia.com/gpu.family"] = gpuModel;
            yield return new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Node",
                ["metadata"] = new JsonObject { ["name"] = nodeName, ["labels"] = labels },
                ["spec"] = new JsonObject { ["taints"] = (pool["taints"] as JsonArray ?? []).DeepClone() },
                ["status"] = new JsonObject
                {
                    ["allocatable"] = allocatable.DeepClone(),
                    ["capacity"] = allocatable.DeepClone(),
                    ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = "True", ["reason"] = "KubeletReady" }),
                },
            };
        }
    }

    private static T Required<T>(JsonObject obj, string property) =>
        obj[property] is { } value ? value.GetValue<T>() : throw new InvalidDataException($"A node pool in {FileName} lacks '{property}'.");
}
