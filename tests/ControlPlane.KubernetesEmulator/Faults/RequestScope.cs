namespace ControlPlane.KubernetesEmulator.Faults;

/// <summary>Which requests a fault applies to; null members match everything.</summary>
/// <param name="PathPrefix">e.g. <c>/apis/apps/v1</c>; compared case-sensitively, as paths are.</param>
/// <param name="Method">e.g. <c>PATCH</c>; compared case-insensitively.</param>
public sealed record RequestScope(string? PathPrefix = null, string? Method = null)
{
    public static RequestScope Everything { get; } = new();

    internal bool Matches(string method, string path) =>
        (PathPrefix is null || path.StartsWith(PathPrefix, StringComparison.Ordinal))
        && (Method is null || string.Equals(Method, method, StringComparison.OrdinalIgnoreCase));
}
