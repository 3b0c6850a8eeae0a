using System.Text.Json.Nodes;
using ControlPlane.KubernetesEmulator.Schemas;

namespace ControlPlane.KubernetesEmulator.Admission;

/// <summary>
/// The Pod Security Standards' <c>restricted</c> level (which includes <c>baseline</c>), as the PodSecurity admission
/// plugin checks a pod in a namespace labelled <c>pod-security.kubernetes.io/enforce=restricted</c>. Each failed check is
/// worded as the plugin words it; the checks cover what a workload template can get wrong, not every field of the standard.
/// </summary>
internal static class PodSecurityRestricted
{
    public const string EnforceLabel = "pod-security.kubernetes.io/enforce";
    public const string Level = "restricted";

    private static readonly HashSet<string> AllowedVolumeTypes =
        ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"];

    /// <summary>Every check the pod spec fails, in the plugin's order; empty when it is allowed.</summary>
    public static IReadOnlyList<string> Violations(JsonObject podSpec)
    {
        var pod = podSpec["securityContext"] as JsonObject ?? [];
        var containers = JsonPaths.Items(podSpec, "initContainers").Concat(JsonPaths.Items(podSpec, "containers"))
            .Select(c => (Name: (string?)c.Item["name"] ?? "", Context: c.Item["securityContext"] as JsonObject ?? [], c.Item))
            .ToList();
        var volumes = JsonPaths.Items(podSpec, "volumes").Select(v => v.Item).ToList();
        var violations = new List<string>();

        var hostNamespaces = new[] { "hostNetwork", "hostPID", "hostIPC" }.Where(f => (bool?)podSpec[f] == true).Select(f => f + "=true").ToList();
        Add(violations, hostNamespaces.Count > 0, $"host namespaces ({string.Join(", ", hostNamespaces)})");
        Add(violations, containers.Where(c => (bool?)c.Context["privileged"] == true).Select(c => c.Name), names => $"privileged ({names} must not set securityContext.privileged=true)");

        var restrictedVolumes = volumes
            .Select(v => (Name: (string?)v["name"] ?? "", Type: v.Select(p => p.Key).FirstOrDefault(k => k != "name") ?? ""))
            .Where(v => !AllowedVolumeTypes.Contains(v.Type)).ToList();
        foreach (var volume in restrictedVolumes)
        {
            violations.Add(volume.Type == "hostPath"
                ? $"hostPath volumes (volume \"{volume.Name}\")"
                : $"restricted volume types (volume \"{volume.Name}\" uses restricted volume type \"{volume.Type}\")");
        }

        Add(violations, containers.Where(c => (bool?)c.Context["allowPrivilegeEscalation"] != false).Select(c => c.Name),
            names => $"allowPrivilegeEscalation != false ({names} must set securityContext.allowPrivilegeEscalation=false)");
        Add(violations, containers.Where(c => !DropsAll(c.Context)).Select(c => c.Name),
            names => $"unrestricted capabilities ({names} must set securityContext.capabilities.drop=[\"ALL\"])");
        Add(violations, containers.Where(c => AddsMoreThanBindService(c.Context)).Select(c => c.Name),
            names => $"unrestricted capabilities ({names} must not include capabilities other than \"NET_BIND_SERVICE\" in securityContext.capabilities.add)");

        var podNonRoot = (bool?)pod["runAsNonRoot"] == true;
        Add(violations, containers.Where(c => (bool?)c.Context["runAsNonRoot"] == false || (!podNonRoot && (bool?)c.Context["runAsNonRoot"] != true)).Select(c => c.Name),
            names => $"runAsNonRoot != true (pod or {names} must set securityContext.runAsNonRoot=true)");
        Add(violations, (long?)pod["runAsUser"] == 0 || containers.Any(c => (long?)c.Context["runAsUser"] == 0), "runAsUser=0 (pod and containers must not set runAsUser=0)");

        var podSeccomp = IsAllowedSeccomp(pod["seccompProfile"]);
        Add(violations, containers.Where(c => c.Context["seccompProfile"] is { } own ? !IsAllowedSeccomp(own) : !podSeccomp).Select(c => c.Name),
            names => $"seccompProfile (pod or {names} must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")");
        return violations;
    }

    private static bool DropsAll(JsonObject context) =>
        (context["capabilities"]?["drop"] as JsonArray ?? []).Any(c => (string?)c == "ALL");

    private static bool AddsMoreThanBindService(JsonObject context) =>
        (context["capabilities"]?["add"] as JsonArray ?? []).Any(c => (string?)c != "NET_BIND_SERVICE");

    private static bool IsAllowedSeccomp(JsonNode? profile) => (string?)profile?["type"] is "RuntimeDefault" or "Localhost";

    private static void Add(List<string> violations, bool failed, string message)
    {
        if (failed)
        {
            violations.Add(message);
        }
    }

    /// <summary>One message naming every failing container: <c>container "a"</c> or <c>containers "a", "b"</c>.</summary>
    private static void Add(List<string> violations, IEnumerable<string> failing, Func<string, string> message)
    {
        var names = failing.Select(n => $"\"{n}\"").ToList();
        if (names.Count > 0)
        {
            violations.Add(message((names.Count == 1 ? "container " : "containers ") + string.Join(", ", names)));
        }
    }
}
