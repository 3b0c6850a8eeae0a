namespace ControlPlane.Application.Clusters;

/// <summary>
/// Cluster credentials end up in HTTP headers and YAML: a control character there is a paste error (a token read with
/// its trailing newline) or header injection, and would break every call to the cluster. Refused at registration.
/// </summary>
internal static class CredentialText
{
    public const string Rule = "must not contain control characters (CR, LF, NUL, …); send it without a trailing newline";
    public const string DocumentRule = "must not contain control characters other than line breaks and tabs (NUL, ESC, …)";

    /// <summary>A token or URL: one line, no control character at all.</summary>
    public static bool IsClean(string? value) => value is null || !value.Any(char.IsControl);

    /// <summary>A PEM bundle or kubeconfig: lines, but no other control character.</summary>
    public static bool IsCleanDocument(string? value) => value is null || !value.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t'));
}
