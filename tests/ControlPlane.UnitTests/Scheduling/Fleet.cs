using ControlPlane.Domain.Scheduling;
using ControlPlane.Domain.Tenants;

namespace ControlPlane.UnitTests.Scheduling;

/// <summary>Small builders for scheduler inputs; every default is a plain, fitting choice.</summary>
internal static class Fleet
{
    public static ClusterSnapshot Cluster(
        string name = "c1", string region = "eu-north1", string? dedicatedTenant = null, bool available = true) =>
        new() { Name = name, Region = region, DedicatedTenant = dedicatedTenant, Available = available };

    public static NodePoolSnapshot Pool(
        string name = "h100-od",
        ClusterSnapshot? cluster = null,
        string gpuModel = "h100",
        int gpusPerNode = 8,
        int nodeCount = 2,
        int allocatedGpus = 0,
        decimal pricePerGpuHour = 2.50m,
        PoolPurpose[]? purposes = null) =>
        new()
        {
            Cluster = cluster ?? Cluster(),
            Name = name,
            GpuModel = gpuModel,
            GpusPerNode = gpusPerNode,
            NodeCount = nodeCount,
            AllocatedGpus = allocatedGpus,
            PricePerGpuHour = pricePerGpuHour,
            Purposes = purposes ?? [PoolPurpose.Inference, PoolPurpose.Training, PoolPurpose.Batch],
        };

    public static SchedulingRequest Request(
        string tenant = "acme",
        IsolationTier tier = IsolationTier.Soft,
        PlacementKind kind = PlacementKind.Inference,
        GpuRequest? gpu = null,
        int replicas = 1,
        bool interruptible = false) =>
        new()
        {
            Tenant = tenant,
            Tier = tier,
            Kind = kind,
            Gpu = gpu ?? GpuRequest.WholeGpus("h100", 1),
            Replicas = replicas,
            Interruptible = interruptible,
        };

    public static CandidateEvaluation Only(SchedulingDecision decision) => Assert.Single(decision.Candidates);

    public static CandidateEvaluation Candidate(SchedulingDecision decision, string pool, string cluster = "c1") =>
        Assert.Single(decision.Candidates, c => c.NodePool == pool && c.Cluster == cluster);

    /// <summary>A mixed fleet: models, sizes, prices, spot, purposes, sandboxes, dedications and regions vary.</summary>
    public static NodePoolSnapshot[] RandomFleet(int seed, int clusters, int poolsPerCluster)
    {
        var random = new Random(seed);
        string[] models = ["h100", "a100", "l40s"];
        string[] regions = ["eu-north1", "eu-west1", "us-east1"];
        var pools = new List<NodePoolSnapshot>();
        for (var c = 0; c < clusters; c++)
        {
            var cluster = Cluster($"c{c:D2}", regions[c % regions.Length], c % 5 == 4 ? "globex" : null, c % 7 != 6);
            for (var p = 0; p < poolsPerCluster; p++)
            {
                var gpusPerNode = random.Next(2) == 0 ? 4 : 8;
                var nodes = random.Next(1, 6);
                pools.Add(Pool(
                    $"pool-{p:D2}",
                    cluster,
                    models[random.Next(models.Length)],
                    gpusPerNode,
                    nodes,
                    random.Next(gpusPerNode * nodes + 1),
                    2m + (random.Next(4) * 0.25m),
                    [(PoolPurpose)random.Next(4)]) with
                {
                    CapacityType = random.Next(4) == 0 ? CapacityType.Spot : CapacityType.OnDemand,
                    RuntimeClasses = random.Next(5) == 0 ? ["kata"] : [],
                });
            }
        }

        return [.. pools];
    }
}
