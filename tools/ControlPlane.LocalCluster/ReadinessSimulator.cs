using System.Text.Json.Nodes;
using ControlPlane.KubernetesEmulator;

namespace ControlPlane.LocalCluster;

/// <summary>
/// What the Deployment and Job controllers and the kubelets of a real cluster would report: a short while after a
/// Deployment's generation (or a Job) appears, all its replicas are ready (or its pods active); an autoscaled Deployment
/// runs its HorizontalPodAutoscaler's minimum. A workload the API server
/// refused pods for (a <c>ReplicaFailure</c> condition) is left alone, so the control plane shows the cluster's reason.
/// Jobs keep running until deleted: there is no real work to finish.
/// </summary>
internal sealed class ReadinessSimulator : IAsyncDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    private readonly KubernetesApiEmulator _emulator;
    private readonly TimeSpan _readyAfter;
    private readonly TextWriter _log;
    private readonly Dictionary<string, DateTimeOffset> _firstSeen = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public ReadinessSimulator(KubernetesApiEmulator emulator, TimeSpan readyAfter, TextWriter log)
    {
        _emulator = emulator;
        _readyAfter = readyAfter;
        _log = log;
        _loop = Task.Run(RunAsync);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        using var timer = new PeriodicTimer(PollInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                Tick(DateTimeOffset.UtcNow);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // stopping
        }
    }

    private void Tick(DateTimeOffset now)
    {
        var pending = new HashSet<string>(StringComparer.Ordinal);
        foreach (var deployment in _emulator.List("apps/v1", "deployments"))
        {
            var desired = (int)(Number(deployment["spec"]?["replicas"]) ?? AutoscalerFloor(deployment) ?? 1);
            var rolledOut = Status(deployment, "observedGeneration") == Number(deployment["metadata"]?["generation"])
                && Status(deployment, "readyReplicas") == desired;
            if (!rolledOut && !HasReplicaFailure(deployment))
            {
                Settle(deployment, now, pending, (ns, name) => _emulator.SetDeploymentReadyReplicas(ns, name, desired), $"{desired} replica(s) ready");
            }
        }

        foreach (var job in _emulator.List("batch/v1", "jobs"))
        {
            var parallelism = (int)(Number(job["spec"]?["parallelism"]) ?? 1);
            if (Status(job, "active") != parallelism && !HasReplicaFailure(job))
            {
                Settle(job, now, pending, (ns, name) => _emulator.Modify("batch/v1", "jobs", ns, name, live =>
                {
                    var status = live["status"] as JsonObject ?? [];
                    status["active"] = parallelism;
                    status["startTime"] ??= now.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
                    live["status"] = status;
                }), $"{parallelism} pod(s) active");
            }
        }

        // Forget workloads that settled or were deleted.
        foreach (var key in _firstSeen.Keys.Where(k => !pending.Contains(k)).ToList())
        {
            _firstSeen.Remove(key);
        }
    }

    private void Settle(JsonObject workload, DateTimeOffset now, HashSet<string> pending, Action<string, string> markReady, string what)
    {
        var ns = (string)workload["metadata"]!["namespace"]!;
        var name = (string)workload["metadata"]!["name"]!;
        var key = $"{workload["kind"]}/{ns}/{name}/{workload["metadata"]?["generation"]}";
        if (!_firstSeen.TryGetValue(key, out var seen))
        {
            _firstSeen[key] = now;
            pending.Add(key);
            return;
        }

        if (now - seen < _readyAfter)
        {
            pending.Add(key);
            return;
        }

        try
        {
            markReady(ns, name);
            _log.WriteLine($"local-cluster: {workload["kind"]} {ns}/{name}: {what}");
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Deleted between the list and the update: nothing to report.
            _log.WriteLine($"local-cluster: {workload["kind"]} {ns}/{name} not updated: {ex.Message}");
        }
    }

    /// <summary>
    /// The minReplicas of the HorizontalPodAutoscaler (named like the Deployment) that owns its replica count: with no
    /// load, what the HPA controller would scale it to.
    /// </summary>
    private long? AutoscalerFloor(JsonObject deployment) => Number(_emulator.Get("autoscaling/v2", "horizontalpodautoscalers",
        (string?)deployment["metadata"]?["namespace"], (string)deployment["metadata"]!["name"]!)?["spec"]?["minReplicas"]);

    private static long? Status(JsonObject obj, string field) => Number(obj["status"]?[field]);

    // Values parsed from requests and values the emulator set in memory are backed by different types: read either.
    private static long? Number(JsonNode? node) =>
        node?.GetValueKind() == System.Text.Json.JsonValueKind.Number ? long.Parse(node.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture) : null;

    private static bool HasReplicaFailure(JsonObject workload) =>
        (workload["status"]?["conditions"] as JsonArray ?? [])
        .Any(c => (string?)c?["type"] == "ReplicaFailure" && (string?)c?["status"] == "True");
}
