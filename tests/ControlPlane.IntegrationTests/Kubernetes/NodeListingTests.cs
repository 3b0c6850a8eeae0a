using System.Text.Json.Nodes;

namespace ControlPlane.IntegrationTests.Kubernetes;

public sealed class NodeListingTests : GatewayTestBase
{
    [Fact]
    public async Task Nodes_report_allocatable_GPUs_MIG_slices_by_profile_readiness_and_labels()
    {
        Emulator.PutNode("gpu-a", new Dictionary<string, string> { ["cpu"] = "96", ["nvidia.com/gpu"] = "8" },
            new Dictionary<string, string> { ["controlplane.io/node-pool"] = "h100-train" });
        Emulator.PutNode("gpu-b", new Dictionary<string, string> { ["nvidia.com/mig-1g.10gb"] = "56", ["nvidia.com/mig-3g.40gb"] = "16" });

        var nodes = (await Gateway.ListNodesAsync(Connection, CancellationToken.None)).ToDictionary(n => n.Name);

        Assert.Equal(8, nodes["gpu-a"].AllocatableGpus);
        Assert.Empty(nodes["gpu-a"].AllocatableMigSlices);
        Assert.Equal("h100-train", nodes["gpu-a"].Labels["controlplane.io/node-pool"]);
        Assert.True(nodes["gpu-a"].Ready);
        Assert.Equal(0, nodes["gpu-b"].AllocatableGpus);
        Assert.Equal(56, nodes["gpu-b"].AllocatableMigSlices["1g.10gb"]);
        Assert.Equal(16, nodes["gpu-b"].AllocatableMigSlices["3g.40gb"]);
    }

    [Fact]
    public async Task A_node_whose_Ready_condition_is_not_true_is_not_ready_and_one_without_conditions_is()
    {
        Emulator.PutNode("broken", new Dictionary<string, string> { ["nvidia.com/gpu"] = "8" });
        Emulator.Modify("v1", "nodes", null, "broken", node =>
            node["status"]!["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = "Unknown" }));
        Emulator.PutNode("fresh", new Dictionary<string, string> { ["nvidia.com/gpu"] = "4" });
        Emulator.Modify("v1", "nodes", null, "fresh", node => node["status"]!.AsObject().Remove("conditions"));

        var nodes = (await Gateway.ListNodesAsync(Connection, CancellationToken.None)).ToDictionary(n => n.Name);

        Assert.False(nodes["broken"].Ready);
        Assert.True(nodes["fresh"].Ready);
        Assert.Equal(4, nodes["fresh"].AllocatableGpus);
    }
}
