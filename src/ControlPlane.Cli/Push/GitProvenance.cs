using System.ComponentModel;
using System.Diagnostics;
using ControlPlane.Client;

namespace ControlPlane.Cli.Push;

/// <summary>
/// --provenance-from-git: the code repository (the remote "origin" URL) and commit (HEAD) of the git working tree the
/// pushed path is in, asked of `git` itself. Without git, or outside a working tree, it says so on stderr and leaves
/// them empty: provenance is a record, not a precondition of the push.
/// </summary>
internal static class GitProvenance
{
    public static async Task<ProvenanceDto?> ReadAsync(string path, TextWriter error, CancellationToken cancellationToken)
    {
        var directory = Directory.Exists(path) ? path : Path.GetDirectoryName(Path.GetFullPath(path))!;
        var commit = await GitAsync(directory, cancellationToken, "rev-parse", "HEAD");
        if (commit is null)
        {
            error.WriteLine($"Warning: {directory} is not in a git working tree (or git is not installed): no code provenance recorded.");
            return null;
        }

        return new ProvenanceDto { CodeCommit = commit, CodeRepository = WithoutCredentials(await GitAsync(directory, cancellationToken, "remote", "get-url", "origin")) };
    }

    /// <summary>A CI checkout's origin often carries a token (https://x-access-token:…@host/…): it never leaves the runner.</summary>
    private static string? WithoutCredentials(string? remote) =>
        Uri.TryCreate(remote, UriKind.Absolute, out var uri) && uri.UserInfo.Length > 0
            ? new UriBuilder(uri) { UserName = "", Password = "" }.Uri.ToString()
            : remote;

    /// <summary>The trimmed first line git printed, or null when git is missing or refused.</summary>
    private static async Task<string?> GitAsync(string directory, CancellationToken cancellationToken, params string[] arguments)
    {
        var start = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-C");
        start.ArgumentList.Add(directory);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            using var git = Process.Start(start)!;
            var output = await git.StandardOutput.ReadToEndAsync(cancellationToken);
            await git.StandardError.ReadToEndAsync(cancellationToken);
            await git.WaitForExitAsync(cancellationToken);
            return git.ExitCode == 0 && output.Trim() is { Length: > 0 } line ? line : null;
        }
        catch (Win32Exception)
        {
            return null; // no git on PATH
        }
    }
}
