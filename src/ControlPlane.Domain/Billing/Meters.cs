namespace ControlPlane.Domain.Billing;

/// <summary>The meters usage is recorded under, each with the unit its quantity is counted in.</summary>
public static class Meters
{
    public const string GpuSeconds = "gpu-seconds";
    public const string TokensIn = "tokens-in";
    public const string TokensOut = "tokens-out";
    public const string Inferences = "inferences";
    public const string StorageByteHours = "storage-byte-hours";
    public const string EgressBytes = "egress-bytes";

    /// <summary>Every meter with its unit (FOCUS ConsumedUnit / PricingUnit).</summary>
    public static readonly IReadOnlyDictionary<string, string> Units = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [GpuSeconds] = "GPU-Seconds",
        [TokensIn] = "Tokens",
        [TokensOut] = "Tokens",
        [Inferences] = "Requests",
        [StorageByteHours] = "Byte-Hours",
        [EgressBytes] = "Bytes",
    };

    public static bool IsKnown(string? meter) => meter is not null && Units.ContainsKey(meter);

    /// <summary>The sentence a caller sees for an unknown meter.</summary>
    public static string Rule => "must be one of: " + string.Join(", ", Units.Keys);
}

/// <summary>The dimension names the system itself writes and the cost reports group by.</summary>
public static class UsageDimensions
{
    public const string GpuModel = "gpuModel";
    public const string CapacityType = "capacityType";
    public const string MigProfile = "migProfile";
    public const string Model = "model";

    /// <summary>Which variant of a placement under rollout the usage belongs to: stable or canary (the cost gate compares them).</summary>
    public const string Variant = "variant";

    public const int MaxCount = 16;
    public const int MaxLength = 128;

    /// <summary>
    /// The canonical text of a dimension set (keys sorted ordinally, "k=v" joined by '\n'): equal sets have equal keys,
    /// so the rollup groups by it and statements show one line per distinct set. Usage mostly carries none or one
    /// dimension: those keys are built without sorting (ingestion builds one per event).
    /// </summary>
    public static string KeyOf(IReadOnlyDictionary<string, string> dimensions)
    {
        if (dimensions.Count <= 1)
        {
            foreach (var (name, value) in dimensions)
            {
                return name + "=" + value;
            }

            return "";
        }

        return string.Join('\n', dimensions.OrderBy(d => d.Key, StringComparer.Ordinal).Select(d => d.Key + "=" + d.Value));
    }

    /// <summary>The dimension set a key was made of (names never contain '=', names and values no control characters).</summary>
    public static IReadOnlyDictionary<string, string> Parse(string key) => key.Length == 0
        ? new Dictionary<string, string>(StringComparer.Ordinal)
        : key.Split('\n').Select(pair => pair.Split('=', 2)).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
}
