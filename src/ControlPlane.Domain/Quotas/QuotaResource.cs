using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace ControlPlane.Domain.Quotas;

/// <summary>The names of the things a tenant's quota can limit.</summary>
public static partial class QuotaResource
{
    public const string Placements = "placements";
    public const string StorageBytes = "storage.bytes";
    public const string GpuHoursMonthly = "gpu-hours.monthly";
    public const string SpendMonthly = "spend.monthly";
    public const string GpuPrefix = "gpu.";
    public const string MigPrefix = "mig.";

    /// <summary>The sentence a caller sees for an unknown resource name.</summary>
    public const string Rule =
        "must be gpu.<model> (e.g. gpu.h100), mig.<profile> (e.g. mig.1g.10gb), placements, storage.bytes, gpu-hours.monthly or spend.monthly";

    /// <summary>Whole GPUs of one model.</summary>
    public static string Gpu(string model) => GpuPrefix + model.ToLowerInvariant();

    /// <summary>MIG slices of one profile.</summary>
    public static string Mig(string profile) => MigPrefix + profile.ToLowerInvariant();

    public static bool IsValid([NotNullWhen(true)] string? name) => name switch
    {
        null => false,
        Placements or StorageBytes or GpuHoursMonthly or SpendMonthly => true,
        _ when name.StartsWith(GpuPrefix, StringComparison.Ordinal) => GpuModel().IsMatch(name[GpuPrefix.Length..]),
        _ when name.StartsWith(MigPrefix, StringComparison.Ordinal) => MigProfile().IsMatch(name[MigPrefix.Length..]),
        _ => false,
    };

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,30}$", RegexOptions.CultureInvariant)]
    private static partial Regex GpuModel();

    /// <summary>NVIDIA MIG profiles: slices 'g' memory 'gb', optionally with a media extension (e.g. 1g.10gb, 1g.10gb+me).</summary>
    [GeneratedRegex(@"^[1-7]g\.[0-9]{1,3}gb(\+me)?$", RegexOptions.CultureInvariant)]
    private static partial Regex MigProfile();
}
