using System.Text.Json.Nodes;
using ControlPlane.KubernetesEmulator.Resources;
using ControlPlane.KubernetesEmulator.Storage;

namespace ControlPlane.KubernetesEmulator;

/// <summary>Direct access to the object store, for arranging cluster state and asserting on it without HTTP.</summary>
public sealed partial class KubernetesApiEmulator
{
    /// <summary>A copy of a stored object, or null.</summary>
    /// <param name="apiVersion">e.g. <c>apps/v1</c>, or <c>v1</c> for the core group.</param>
    /// <param name="resource">The kind (<c>Deployment</c>) or the plural (<c>deployments</c>).</param>
    /// <param name="ns">The namespace; ignored for cluster-scoped types.</param>
    public JsonObject? Get(string apiVersion, string resource, string? ns, string name) =>
        _state.Store.Get(ObjectKey.For(ResourceCatalog.Require(apiVersion, resource), ns, name));

    /// <summary>Copies of the stored objects of a type, in one namespace or (null) all, ordered by namespace and name.</summary>
    public IReadOnlyList<JsonObject> List(string apiVersion, string resource, string? ns = null) =>
        _state.Store.List(ResourceCatalog.Require(apiVersion, resource), ns).Items;

    /// <summary>
    /// Creates or replaces an object as given — status included — as the cluster's own controllers would.
    /// The object's apiVersion, kind and metadata.name (and namespace, for namespaced types) must be set.
    /// </summary>
    public JsonObject Put(JsonObject obj)
    {
        var type = ResourceCatalog.Require((string?)obj["apiVersion"] ?? "", (string?)obj["kind"] ?? "");
        var name = (string?)obj["metadata"]?["name"];
        ArgumentException.ThrowIfNullOrEmpty(name, "obj.metadata.name");
        var key = ObjectKey.For(type, (string?)obj["metadata"]?["namespace"], name);
        return _state.Store.Write(key, _ => obj.DeepClone().AsObject(), allowCreate: true, keepStatus: false).Object;
    }

    /// <summary>Changes a stored object in place (status included), atomically with respect to API requests.</summary>
    public JsonObject Modify(string apiVersion, string resource, string? ns, string name, Action<JsonObject> change)
    {
        var key = ObjectKey.For(ResourceCatalog.Require(apiVersion, resource), ns, name);
        return _state.Store.Write(key, live =>
        {
            change(live!);
            return live!;
        }, allowCreate: false, keepStatus: false).Object;
    }

    /// <summary>Creates a namespace, or leaves an existing one as it is apart from its labels.</summary>
    public JsonObject PutNamespace(string name, IReadOnlyDictionary<string, string>? labels = null) => Put(new JsonObject
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Namespace",
        ["metadata"] = new JsonObject { ["name"] = name, ["labels"] = ToJson(labels) },
    });

    /// <summary>Creates or replaces a node with the given allocatable (and capacity) resources, e.g. <c>nvidia.com/gpu: "8"</c>.</summary>
    /// <param name="ready">The node's Ready condition (false: the kubelet stopped reporting, NotReady).</param>
    /// <param name="cordoned">spec.unschedulable, as <c>kubectl cordon</c> sets it.</param>
    public JsonObject PutNode(string name, IReadOnlyDictionary<string, string> allocatable, IReadOnlyDictionary<string, string>? labels = null,
        bool ready = true, bool cordoned = false) => Put(new JsonObject
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Node",
        ["metadata"] = new JsonObject { ["name"] = name, ["labels"] = ToJson(labels) },
        ["spec"] = cordoned ? new JsonObject { ["unschedulable"] = true } : null,
        ["status"] = new JsonObject
        {
            ["allocatable"] = ToJson(allocatable),
            ["capacity"] = ToJson(allocatable),
            ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = ready ? "True" : "False" }),
        },
    });

    /// <summary>Creates or replaces a RuntimeClass, as a cluster administrator installing a sandbox runtime would.</summary>
    public JsonObject PutRuntimeClass(string name, string handler) => Put(new JsonObject
    {
        ["apiVersion"] = "node.k8s.io/v1",
        ["kind"] = "RuntimeClass",
        ["metadata"] = new JsonObject { ["name"] = name },
        ["handler"] = handler,
    });

    /// <summary>Deletes an object as someone with cluster access would; false when it did not exist.</summary>
    public bool Delete(string apiVersion, string resource, string? ns, string name)
    {
        var key = ObjectKey.For(ResourceCatalog.Require(apiVersion, resource), ns, name);
        if (_state.Store.Get(key) is null)
        {
            return false;
        }

        _state.Store.Delete(key);
        return true;
    }

    /// <summary>
    /// Simulates the Deployment controller and the kubelet: the rollout of the current generation has
    /// <paramref name="readyReplicas"/> ready pods — or none while admission refuses its pods (ReplicaFailure), since
    /// pods that were never created cannot become ready.
    /// </summary>
    public JsonObject SetDeploymentReadyReplicas(string ns, string name, int readyReplicas) =>
        Modify("apps/v1", "deployments", ns, name, deployment =>
        {
            readyReplicas = _state.ReplicaSets.Refusal(deployment) is null ? readyReplicas : 0;
            var status = StatusOf(deployment);
            status["observedGeneration"] = deployment["metadata"]?["generation"]?.DeepClone();
            status["replicas"] = readyReplicas;
            status["updatedReplicas"] = readyReplicas;
            status["readyReplicas"] = readyReplicas;
            status["availableReplicas"] = readyReplicas;
        });

    /// <summary>Simulates the Job controller: <paramref name="succeeded"/> pods succeeded; reaching spec.completions (default 1) marks the Job Complete.</summary>
    public JsonObject SetJobSucceeded(string ns, string name, int succeeded) =>
        Modify("batch/v1", "jobs", ns, name, job =>
        {
            var status = StatusOf(job);
            status["succeeded"] = succeeded;
            if (succeeded >= ((int?)job["spec"]?["completions"] ?? 1))
            {
                status["conditions"] = new JsonArray(new JsonObject { ["type"] = "Complete", ["status"] = "True" });
            }
        });

    private static JsonObject StatusOf(JsonObject obj)
    {
        if (obj["status"] is not JsonObject status)
        {
            status = new JsonObject();
            obj["status"] = status;
        }

        return status;
    }

    private static JsonObject? ToJson(IReadOnlyDictionary<string, string>? values) =>
        values is null ? null : new JsonObject(values.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value)));
}
