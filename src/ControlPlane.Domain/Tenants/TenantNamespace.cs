namespace ControlPlane.Domain.Tenants;

/// <summary>
/// The namespace that holds a tenant's objects and pods on every cluster: acme → t-acme. One rule for the objects the
/// control plane writes, the PromQL it confines to them, and the workload identities it recognises in them; the prefix
/// keeps tenant namespaces apart from kube-system and the platform's own.
/// </summary>
public static class TenantNamespace
{
    private const string Prefix = "t-";

    /// <summary>The tenant's namespace: acme → t-acme.</summary>
    public static string For(string tenant) => Prefix + tenant;

    /// <summary>The tenant a namespace belongs to (t-acme → acme), or null when it is not a tenant namespace.</summary>
    public static string? TenantOf(string ns) =>
        ns.StartsWith(Prefix, StringComparison.Ordinal) && ns.Length > Prefix.Length ? ns[Prefix.Length..] : null;

    /// <summary>How a tenant namespace is spelled, for messages: t-&lt;tenant&gt;.</summary>
    public static string Pattern => Prefix + "<tenant>";
}
