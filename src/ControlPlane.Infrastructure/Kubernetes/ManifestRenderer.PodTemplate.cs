using System.Globalization;
using ControlPlane.Application.Clusters;
using k8s.Models;

namespace ControlPlane.Infrastructure.Kubernetes;

public static partial class ManifestRenderer
{
    /// <summary>Name of the workload's container.</summary>
    public const string ContainerName = "main";

    /// <summary>Name of the projected volume holding the model-pull service-account token.</summary>
    public const string ModelPullVolumeName = "model-pull-token";

    /// <summary>Directory the model-pull token is mounted in.</summary>
    public const string ModelPullMountPath = "/var/run/secrets/controlplane";

    /// <summary>Lifetime of the projected token; the kubelet rotates it well before expiry.</summary>
    private const long ModelPullTokenSeconds = 600;

    private static V1PodTemplateSpec PodTemplate(PlacementManifest manifest, string? restartPolicy)
    {
        var labels = PlacementLabels(manifest);
        if (manifest.Interruptible)
        {
            labels[ManifestLabels.Interruptible] = "true";
        }

        return new V1PodTemplateSpec
        {
            Metadata = new V1ObjectMeta { Labels = labels },
            Spec = new V1PodSpec
            {
                RestartPolicy = restartPolicy,
                NodeSelector = manifest.NodeSelector.Count == 0 ? null : new SortedDictionary<string, string>(manifest.NodeSelector.ToDictionary(), StringComparer.Ordinal),
                Tolerations = Tolerations(manifest),
                PriorityClassName = manifest.PriorityClassName,
                RuntimeClassName = manifest.RuntimeClassName,
                // Tenant code gets no Kubernetes API credentials; the model-pull token below is audience-bound instead.
                AutomountServiceAccountToken = false,
                // Satisfies the restricted Pod Security level that strong-tier namespaces enforce.
                SecurityContext = new V1PodSecurityContext { RunAsNonRoot = true, SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" } },
                Containers = [Container(manifest)],
                Volumes = manifest.ModelPull is { } pull ? [ModelPullVolume(pull)] : null,
            },
        };
    }

    private static V1Container Container(PlacementManifest manifest)
    {
        var resources = new Dictionary<string, ResourceQuantity>(StringComparer.Ordinal)
        {
            [manifest.GpuResourceName] = new(manifest.GpusPerReplica.ToString(CultureInfo.InvariantCulture)),
        };
        if (manifest.Cpu is { } cpu)
        {
            resources["cpu"] = new ResourceQuantity(cpu);
        }

        if (manifest.Memory is { } memory)
        {
            resources["memory"] = new ResourceQuantity(memory);
        }

        return new V1Container
        {
            Name = ContainerName,
            Image = manifest.Image,
            Command = manifest.Command.Count == 0 ? null : [.. manifest.Command],
            Args = manifest.Args.Count == 0 ? null : [.. manifest.Args],
            Env = Environment(manifest),
            Ports = manifest.Kind == PlacementWorkloadKind.Deployment ? [new V1ContainerPort { Name = "http", ContainerPort = ContainerPort, Protocol = "TCP" }] : null,
            // Extended resources cannot be overcommitted: Kubernetes requires requests to equal limits for them.
            Resources = new V1ResourceRequirements { Limits = resources, Requests = new Dictionary<string, ResourceQuantity>(resources, StringComparer.Ordinal) },
            SecurityContext = new V1SecurityContext
            {
                AllowPrivilegeEscalation = false,
                Capabilities = new V1Capabilities { Drop = ["ALL"] },
            },
            VolumeMounts = manifest.ModelPull is null ? null : [new V1VolumeMount { Name = ModelPullVolumeName, MountPath = ModelPullMountPath, ReadOnlyProperty = true }],
        };
    }

    /// <summary>The caller's variables plus the model-pull wiring (which wins on a name clash), sorted so renders are byte-identical.</summary>
    private static List<V1EnvVar>? Environment(PlacementManifest manifest)
    {
        var env = new SortedDictionary<string, string>(manifest.Env.ToDictionary(), StringComparer.Ordinal);
        if (manifest.ModelPull is { } pull)
        {
            env["CONTROLPLANE_MODEL_DIGEST"] = pull.Digest;
            env["CONTROLPLANE_TOKEN_ENDPOINT"] = pull.TokenEndpoint;
            env["CONTROLPLANE_TOKEN_PATH"] = ModelPullMountPath + "/token";
        }

        return env.Count == 0 ? null : env.Select(e => new V1EnvVar { Name = e.Key, Value = e.Value }).ToList();
    }

    private static V1Volume ModelPullVolume(ModelPullWiring pull) => new()
    {
        Name = ModelPullVolumeName,
        Projected = new V1ProjectedVolumeSource
        {
            Sources =
            [
                new V1VolumeProjection
                {
                    ServiceAccountToken = new V1ServiceAccountTokenProjection { Audience = pull.Audience, ExpirationSeconds = ModelPullTokenSeconds, Path = "token" },
                },
            ],
        },
    };

    private static List<V1Toleration>? Tolerations(PlacementManifest manifest)
    {
        var tolerations = manifest.Tolerations
            .Select(t => (t.Key, Operator: t.Value is null ? "Exists" : "Equal", t.Value, t.Effect))
            .ToList();
        if (manifest.Interruptible)
        {
            tolerations.Add((ManifestLabels.CapacityType, "Equal", "spot", "NoSchedule"));
        }

        // A spot pool's own taint may already be among the pool tolerations; one copy is enough.
        return tolerations.Count == 0
            ? null
            : tolerations.Distinct().Select(t => new V1Toleration { Key = t.Key, OperatorProperty = t.Operator, Value = t.Value, Effect = t.Effect }).ToList();
    }
}
