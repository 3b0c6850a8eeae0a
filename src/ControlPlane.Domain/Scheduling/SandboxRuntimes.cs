namespace ControlPlane.Domain.Scheduling;

/// <summary>
/// Sandbox runtime classes, named as each cluster names its RuntimeClass objects (<c>kata-qemu-nvidia-gpu</c>,
/// <c>gvisor</c>, …): free-form, not a fixed list. A pool declaring any is reserved for strong-isolation tenants, and a
/// strong-tier placement runs under one of them.
/// </summary>
public static class SandboxRuntimes
{
    /// <summary>
    /// gVisor classes (a name containing <c>gvisor</c> or its handler <c>runsc</c>) pass GPUs through nvproxy: no MIG
    /// devices and at most one GPU per pod. Every other class is taken to be a VM sandbox (Kata and the like), which runs both.
    /// </summary>
    public static bool IsGvisor(string runtimeClass) =>
        runtimeClass.Contains("gvisor", StringComparison.OrdinalIgnoreCase) || runtimeClass.Contains("runsc", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The class a strong-tier request runs under on <paramref name="pool"/>: among the declared classes the cluster
    /// really has, the first VM sandbox, else the first gVisor one when the request fits gVisor. Otherwise the reason:
    /// <see cref="RejectionCode.RuntimeClassMissing"/> when a missing class would have served,
    /// <see cref="RejectionCode.SandboxRuntimeUnsupported"/> when only gVisor exists and the request needs more.
    /// </summary>
    public static (string? RuntimeClass, RejectionCode? Refusal) Choose(NodePoolSnapshot pool, GpuRequest gpu)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(gpu);
        string? vm = null;
        string? gvisor = null;
        var anyMissing = false;
        for (var i = 0; i < pool.RuntimeClasses.Count; i++)
        {
            var name = pool.RuntimeClasses[i];
            if (Contains(pool.MissingRuntimeClasses, name))
            {
                anyMissing = true;
            }
            else if (IsGvisor(name))
            {
                gvisor ??= name;
            }
            else
            {
                vm ??= name;
            }
        }

        if (vm is not null)
        {
            return (vm, null);
        }

        var needsVm = gpu.IsMig || gpu.GpusPerReplica > 1;
        return gvisor is not null && !needsVm ? (gvisor, null)
            : anyMissing ? (null, RejectionCode.RuntimeClassMissing)
            : (null, RejectionCode.SandboxRuntimeUnsupported);
    }

    private static bool Contains(IReadOnlyList<string> names, string name)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (string.Equals(names[i], name, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
