namespace ControlPlane.Domain.Scheduling;

/// <summary>
/// The accelerators one replica needs: either whole GPUs of a model, or slices of a MIG profile.
/// Create with <see cref="WholeGpus"/> or <see cref="Mig"/>.
/// </summary>
public sealed record GpuRequest
{
    private GpuRequest(string? model, int gpusPerReplica, string? migProfile, int migSlicesPerReplica)
    {
        Model = model;
        GpusPerReplica = gpusPerReplica;
        MigProfile = migProfile;
        MigSlicesPerReplica = migSlicesPerReplica;
    }

    /// <summary>
    /// GPU model, e.g. <c>h100</c>, compared case-insensitively. Always set for whole-GPU requests;
    /// optional for MIG requests, where it narrows the pools further.
    /// </summary>
    public string? Model { get; }

    /// <summary>Whole GPUs per replica, all on one node; 0 for MIG requests.</summary>
    public int GpusPerReplica { get; }

    /// <summary>MIG profile, e.g. <c>1g.10gb</c>, compared case-insensitively; null for whole-GPU requests.</summary>
    public string? MigProfile { get; }

    /// <summary>MIG slices of <see cref="MigProfile"/> per replica, all on one node; 0 for whole-GPU requests.</summary>
    public int MigSlicesPerReplica { get; }

    /// <summary>True when the request is for MIG slices rather than whole GPUs.</summary>
    public bool IsMig => MigProfile is not null;

    /// <summary>GPUs or MIG slices per replica, whichever the request is counted in.</summary>
    public int UnitsPerReplica => IsMig ? MigSlicesPerReplica : GpusPerReplica;

    /// <summary>Whole GPUs of <paramref name="model"/>, <paramref name="gpusPerReplica"/> of them per replica.</summary>
    public static GpuRequest WholeGpus(string model, int gpusPerReplica)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(gpusPerReplica, 1);
        return new GpuRequest(model, gpusPerReplica, null, 0);
    }

    /// <summary>
    /// <paramref name="slicesPerReplica"/> MIG slices of <paramref name="profile"/> per replica,
    /// optionally only on GPUs of <paramref name="model"/>.
    /// </summary>
    public static GpuRequest Mig(string profile, int slicesPerReplica = 1, string? model = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(profile);
        ArgumentOutOfRangeException.ThrowIfLessThan(slicesPerReplica, 1);
        if (model is not null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(model);
        }

        return new GpuRequest(model, 0, profile, slicesPerReplica);
    }
}
