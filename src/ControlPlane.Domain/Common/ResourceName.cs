using System.Text.RegularExpressions;

namespace ControlPlane.Domain.Common;

/// <summary>Names of resources are DNS-1123 labels, so they can be used verbatim in Kubernetes object names.</summary>
public static partial class ResourceName
{
    /// <summary>The longest name a DNS-1123 label allows.</summary>
    public const int MaxLength = 63;

    /// <summary>True when <paramref name="name"/> is a DNS-1123 label: lower-case alphanumerics and '-', starting and ending alphanumeric.</summary>
    public static bool IsValid(string? name) =>
        name is { Length: > 0 and <= MaxLength } && Dns1123Label().IsMatch(name);

    /// <summary>True when <paramref name="name"/> is a DNS-1123 subdomain (how Kubernetes names cluster-scoped objects): dot-separated labels, at most 253 characters.</summary>
    public static bool IsSubdomain(string? name) =>
        name is { Length: > 0 and <= 253 } && name.Split('.').All(part => part.Length <= MaxLength && Dns1123Label().IsMatch(part));

    /// <summary>The sentence a caller sees when a name is not a DNS-1123 label.</summary>
    public const string Rule = "must be a DNS-1123 label: at most 63 lower-case letters, digits or '-', starting and ending with a letter or digit";

    /// <summary>A DNS-1123 label as a regular expression (the OpenAPI document states the same pattern).</summary>
    public const string Pattern = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";

    [GeneratedRegex(Pattern, RegexOptions.CultureInvariant)]
    private static partial Regex Dns1123Label();
}
