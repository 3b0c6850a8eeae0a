namespace ControlPlane.Domain.Billing;

/// <summary>A ready model version as storage metering sees it: when it became billable and the files it lists.</summary>
public sealed record StoredVersion(Guid Id, DateTimeOffset FinalizedAt, IReadOnlyList<(string Digest, long SizeBytes)> Files);

/// <summary>
/// Storage is billed on distinct bytes, as the storage quota counts them: a file stored once and listed by several
/// versions (a new version that changes only its config) is billed once, to the earliest-finalized version listing
/// it. Whenever a later version is ready the earlier one is too (both are ready now and the earlier became so first), so
/// at every minute the billed bytes are exactly the distinct bytes of the versions ready then.
/// </summary>
public static class StorageAttribution
{
    /// <summary>The bytes each version is billed for: those of its digests that no earlier version lists.</summary>
    public static IReadOnlyDictionary<Guid, long> BillableBytes(IEnumerable<StoredVersion> versions)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var billable = new Dictionary<Guid, long>();
        foreach (var version in versions.OrderBy(v => v.FinalizedAt).ThenBy(v => v.Id))
        {
            billable[version.Id] = version.Files.Where(f => seen.Add(f.Digest)).Sum(f => f.SizeBytes);
        }

        return billable;
    }
}
