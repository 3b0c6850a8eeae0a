using System.Diagnostics;

namespace ControlPlane.IntegrationTests.Fixtures;

/// <summary>Reads files of the repository the tests were built from, as committed.</summary>
public static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    /// <summary>The committed content (git HEAD) of a file: what reviewers see, not what the last build rewrote.</summary>
    public static string Committed(string relativePath)
    {
        var start = new ProcessStartInfo("git", $"show HEAD:{relativePath}")
        {
            WorkingDirectory = Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var git = Process.Start(start)!;
        var content = git.StandardOutput.ReadToEnd();
        var error = git.StandardError.ReadToEnd();
        git.WaitForExit();
        Assert.True(git.ExitCode == 0, $"git show HEAD:{relativePath} failed — is the file committed? {error}");
        return content;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ControlPlane.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("ControlPlane.sln not found above " + AppContext.BaseDirectory);
    }
}
