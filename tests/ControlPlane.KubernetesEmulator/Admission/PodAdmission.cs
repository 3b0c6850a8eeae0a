using System.Text.Json.Nodes;

namespace ControlPlane.KubernetesEmulator.Admission;

/// <summary>
/// The admission plugins a pod meets when a controller creates it from a template, in the order the API server runs
/// them: Priority (its PriorityClass must exist), RuntimeClass (its RuntimeClass must exist), then PodSecurity
/// (the namespace's enforced level). The refusal is the API server's message, as a controller reports it.
/// </summary>
internal static class PodAdmission
{
    /// <param name="podName">What the pod would be called: for a ReplicaSet, its generateName <c>&lt;replicaset&gt;-</c>.</param>
    /// <param name="template">The pod template (metadata + spec).</param>
    /// <param name="namespaceLabels">Labels of the pod's namespace.</param>
    /// <param name="priorityClassExists">Whether a PriorityClass of that name exists.</param>
    /// <param name="runtimeClassExists">Whether a RuntimeClass of that name exists.</param>
    /// <returns>Null when the pod would be admitted, else the API server's refusal.</returns>
    public static string? Refusal(string podName, JsonObject template, IReadOnlyDictionary<string, string> namespaceLabels,
        Func<string, bool> priorityClassExists, Func<string, bool> runtimeClassExists)
    {
        var spec = template["spec"] as JsonObject ?? [];
        var forbidden = $"pods \"{podName}\" is forbidden: ";
        if ((string?)spec["priorityClassName"] is { Length: > 0 } priorityClass && !priorityClassExists(priorityClass))
        {
            return forbidden + $"no PriorityClass with name {priorityClass} was found";
        }

        if ((string?)spec["runtimeClassName"] is { Length: > 0 } runtimeClass && !runtimeClassExists(runtimeClass))
        {
            return forbidden + $"pod rejected: RuntimeClass \"{runtimeClass}\" not found";
        }

        if (namespaceLabels.GetValueOrDefault(PodSecurityRestricted.EnforceLabel) == PodSecurityRestricted.Level
            && PodSecurityRestricted.Violations(spec) is { Count: > 0 } violations)
        {
            return forbidden + $"violates PodSecurity \"{PodSecurityRestricted.Level}:latest\": {string.Join(", ", violations)}";
        }

        return null;
    }
}
