using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using ControlPlane.KubernetesEmulator.Admission;
using ControlPlane.KubernetesEmulator.Resources;
using ControlPlane.KubernetesEmulator.Schemas;
using ControlPlane.KubernetesEmulator.Storage;

namespace ControlPlane.KubernetesEmulator.Controllers;

/// <summary>
/// The outcome of the Deployment and ReplicaSet controllers creating a Deployment's pods, without the pods: each
/// Deployment's template goes through <see cref="PodAdmission"/>, and a refusal shows as the condition
/// <c>ReplicaFailure=True, reason FailedCreate</c> with the API server's message, as on a real cluster. The verdict is
/// re-evaluated whenever the Deployment, a PriorityClass, a RuntimeClass or the namespace changes — a real controller
/// retries with backoff and gets there too — and the condition goes away once pods can be created.
/// </summary>
internal sealed class ReplicaSetCreation(ObjectStore store)
{
    public const string ReplicaFailure = "ReplicaFailure";

    public void OnChanged(ObjectKey key)
    {
        if (key.Type == ResourceCatalog.Deployments)
        {
            Evaluate(key);
        }
        else if (key.Type == ResourceCatalog.PriorityClasses || key.Type == ResourceCatalog.RuntimeClasses || key.Type == ResourceCatalog.Namespaces)
        {
            var ns = key.Type == ResourceCatalog.Namespaces ? key.Name : null;
            foreach (var deployment in store.List(ResourceCatalog.Deployments, ns).Items)
            {
                Evaluate(ObjectKey.For(ResourceCatalog.Deployments, (string?)deployment["metadata"]?["namespace"], (string)deployment["metadata"]!["name"]!));
            }
        }
    }

    /// <summary>The refusal pods of this Deployment meet now, or null when they can be created.</summary>
    public string? Refusal(JsonObject deployment)
    {
        var template = JsonPaths.At(deployment, "spec.template") as JsonObject ?? [];
        var name = (string?)deployment["metadata"]?["name"] ?? "";
        var ns = store.Get(ObjectKey.For(ResourceCatalog.Namespaces, null, (string?)deployment["metadata"]?["namespace"] ?? ""));
        return PodAdmission.Refusal($"{name}-{TemplateHash(template)}-", template, JsonPaths.StringMap(ns?["metadata"]?["labels"]),
            priorityClass => store.Get(ObjectKey.For(ResourceCatalog.PriorityClasses, null, priorityClass)) is not null,
            runtimeClass => store.Get(ObjectKey.For(ResourceCatalog.RuntimeClasses, null, runtimeClass)) is not null);
    }

    private void Evaluate(ObjectKey key)
    {
        if (store.Get(key) is not { } deployment)
        {
            return;
        }

        var refusal = Refusal(deployment);
        var current = Conditions(deployment).FirstOrDefault(c => (string?)c["type"] == ReplicaFailure);
        if ((string?)current?["message"] == refusal)
        {
            return; // settled: writing the same verdict again would notify forever
        }

        store.Write(key, live =>
        {
            var status = live!["status"] as JsonObject ?? [];
            live["status"] = status;
            var conditions = new JsonArray(Conditions(live).Where(c => (string?)c["type"] != ReplicaFailure).Select(c => c.DeepClone()).ToArray());
            if (refusal is not null)
            {
                conditions.Add(new JsonObject
                {
                    ["type"] = ReplicaFailure,
                    ["status"] = "True",
                    ["reason"] = "FailedCreate",
                    ["message"] = refusal,
                    ["lastTransitionTime"] = ManagedFieldsEntry.Now(),
                    ["lastUpdateTime"] = ManagedFieldsEntry.Now(),
                });
                status["readyReplicas"] = 0;
                status["availableReplicas"] = 0;
            }

            status["conditions"] = conditions;
            return live;
        }, allowCreate: false, keepStatus: false);
    }

    private static IEnumerable<JsonObject> Conditions(JsonObject deployment) =>
        (JsonPaths.At(deployment, "status.conditions") as JsonArray ?? []).OfType<JsonObject>();

    /// <summary>Stands in for the pod-template-hash that names a Deployment's ReplicaSet: changes with the template.</summary>
    private static string TemplateHash(JsonObject template) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(template.ToJsonString())))[..10].ToLowerInvariant();
}
