namespace ControlPlane.Cli.Configuration;

/// <summary>Files that hold secrets (the login, cached tokens): readable and writable by the owner only (0600).</summary>
internal static class PrivateFile
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Writes through a temporary file created 0600 and renamed over the target, so no reader sees half a file.</summary>
    public static void Write(string path, string content)
    {
        var directory = Path.GetDirectoryName(path)!;
        if (!OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        else
        {
            Directory.CreateDirectory(directory);
        }

        var temporary = path + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }

        using (var writer = new StreamWriter(temporary, System.Text.Encoding.UTF8, options))
        {
            writer.Write(content);
        }

        File.Move(temporary, path, overwrite: true);
    }

    public static string? ReadOrNull(string path) => File.Exists(path) ? File.ReadAllText(path) : null;
}
