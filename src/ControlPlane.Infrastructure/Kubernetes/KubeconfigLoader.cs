using System.Text;
using k8s;
using k8s.KubeConfigModels;

namespace ControlPlane.Infrastructure.Kubernetes;

/// <summary>Turns a stored kubeconfig into a client configuration, refusing what would act on the control plane's own host.</summary>
internal static class KubeconfigLoader
{
    /// <summary>
    /// Loads the kubeconfig's current context. Exec plugins and auth providers would run commands, and file
    /// references would read files, on the control plane's host: a stored kubeconfig must be self-contained.
    /// </summary>
    /// <exception cref="InvalidOperationException">The kubeconfig is not self-contained or cannot be loaded.</exception>
    public static KubernetesClientConfiguration Load(string kubeconfig)
    {
        K8SConfiguration parsed;
        try
        {
            using var stream = new MemoryStream(Encoding.UTF8.GetBytes(kubeconfig));
            parsed = KubernetesClientConfiguration.LoadKubeConfig(stream);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The parser's message can quote the document, which holds credentials: only the exception type is passed on.
            throw new InvalidOperationException($"the kubeconfig could not be parsed ({ex.GetType().Name})");
        }

        if (parsed.Users?.Any(u => u.UserCredentials is { } c && (c.ExternalExecution is not null || c.AuthProvider is not null
            || !string.IsNullOrEmpty(c.ClientCertificate) || !string.IsNullOrEmpty(c.ClientKey))) == true)
        {
            throw new InvalidOperationException("the kubeconfig uses an exec plugin, an auth provider or credential files; embed the credentials instead");
        }

        // A token with CR/LF would be refused by HttpClient only when a request is sent (a FormatException, not a cluster error).
        if (parsed.Users?.Any(u => u.UserCredentials is { } c && (HasControlCharacters(c.Token) || HasControlCharacters(c.UserName)
                || HasControlCharacters(c.Password))) == true
            || parsed.Clusters?.Any(c => HasControlCharacters(c.ClusterEndpoint?.Server)) == true)
        {
            throw new InvalidOperationException("a user's token, username or password, or a cluster's server, contains control characters (CR, LF, NUL, …)");
        }

        if (parsed.Clusters?.Any(c => !string.IsNullOrEmpty(c.ClusterEndpoint?.CertificateAuthority)) == true)
        {
            throw new InvalidOperationException("the kubeconfig references a CA file; embed certificate-authority-data instead");
        }

        try
        {
            return KubernetesClientConfiguration.BuildConfigFromConfigObject(parsed);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new InvalidOperationException($"the kubeconfig's current context is not usable ({ex.GetType().Name})");
        }
    }

    /// <summary>Why the kubeconfig cannot be used, or null: what registration checks before storing it.</summary>
    public static string? Problem(string kubeconfig)
    {
        try
        {
            Load(kubeconfig);
            return null;
        }
        catch (InvalidOperationException ex)
        {
            return ex.Message;
        }
    }

    internal static bool HasControlCharacters(string? value) => value is not null && value.Any(char.IsControl);
}
