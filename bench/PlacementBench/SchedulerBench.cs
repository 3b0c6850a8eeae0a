using System.Diagnostics;
using ControlPlane.Domain.Scheduling;
using ControlPlane.Domain.Tenants;

namespace PlacementBench;

/// <summary>One scheduling decision over 10,000 node pools in 100 clusters (the pure Domain code, no I/O).</summary>
internal static class SchedulerBench
{
    public static void Run()
    {
        var random = new Random(42);
        var models = new[] { "h100", "a100", "l40s", "h200" };
        var regions = new[] { "eu-north1", "eu-west1", "us-central1", "us-east1" };
        var clusters = Enumerable.Range(0, 100).Select(c => new ClusterSnapshot { Name = $"cluster-{c:D3}", Region = regions[c % regions.Length] }).ToList();
        var pools = Enumerable.Range(0, 10_000).Select(p => new NodePoolSnapshot
        {
            Cluster = clusters[p % 100],
            Name = $"pool-{p:D5}",
            GpuModel = models[random.Next(models.Length)],
            GpusPerNode = 8,
            NodeCount = random.Next(1, 32),
            AllocatedGpus = 0,
            CapacityType = random.Next(4) == 0 ? CapacityType.Spot : CapacityType.OnDemand,
            Purposes = [PoolPurpose.Inference, PoolPurpose.Training],
            PricePerGpuHour = 1.5m + random.Next(300) / 100m,
        }).OrderBy(_ => random.Next()).ToList();
        var request = new SchedulingRequest
        {
            Tenant = "acme", Tier = IsolationTier.Soft, Kind = PlacementKind.Inference, Gpu = GpuRequest.WholeGpus("h100", 2), Replicas = 4,
            AllowedRegions = ["eu-north1", "eu-west1"],
        };

        var snapshotTimes = Measure(50, () => _ = new FleetSnapshot(pools));
        var fleet = new FleetSnapshot(pools);
        var decisionTimes = Measure(300, () => _ = PlacementScheduler.Decide(request, fleet));
        var endToEnd = Measure(100, () => _ = PlacementScheduler.Decide(request, pools));
        Console.WriteLine("| Scheduling (10,000 pools, 100 clusters) | median | p99 |");
        Console.WriteLine("|---|---:|---:|");
        Console.WriteLine($"| decision on an indexed fleet snapshot | {Percentiles.Of(decisionTimes, 50):0.000} ms | {Percentiles.Of(decisionTimes, 99):0.000} ms |");
        Console.WriteLine($"| building the fleet snapshot | {Percentiles.Of(snapshotTimes, 50):0.000} ms | {Percentiles.Of(snapshotTimes, 99):0.000} ms |");
        Console.WriteLine($"| decision from a plain list (snapshot built inside) | {Percentiles.Of(endToEnd, 50):0.000} ms | {Percentiles.Of(endToEnd, 99):0.000} ms |");
        Console.WriteLine();
        Console.WriteLine("Target: one decision over 10,000 pools ≤ 2 ms.");
        Console.WriteLine();
    }

    private static List<double> Measure(int runs, Action action)
    {
        for (var i = 0; i < 30; i++)
        {
            action(); // JIT warm-up
        }

        var times = new List<double>(runs);
        for (var i = 0; i < runs; i++)
        {
            var started = Stopwatch.GetTimestamp();
            action();
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        times.Sort();
        return times;
    }
}
