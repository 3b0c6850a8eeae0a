namespace ControlPlane.Domain.Models;

/// <summary>
/// Verified bytes in a tenant's storage, once per tenant and digest: every version listing that digest shares them, and
/// storage.bytes counts them once. Only finalize creates one (after streaming the object through SHA-256).
/// </summary>
public sealed class StoredBlob
{
    private StoredBlob()
    {
    }

    public Guid TenantId { get; private set; }
    public string Digest { get; private set; } = "";
    public long SizeBytes { get; private set; }

    /// <summary>Object key (versions registered before manifests keep their per-model keys).</summary>
    public string Key { get; private set; } = "";
    public DateTimeOffset StoredAt { get; private set; }

    /// <summary>The key new uploads of a digest go to: tenant prefix, content-addressed, shared by the tenant's models.</summary>
    public static string KeyFor(string tenant, string digest) => $"tenants/{tenant}/blobs/sha256/{digest["sha256:".Length..]}";

    public static StoredBlob Verified(Guid tenantId, string digest, long sizeBytes, string key, DateTimeOffset now) =>
        new() { TenantId = tenantId, Digest = digest, SizeBytes = sizeBytes, Key = key, StoredAt = now };
}
