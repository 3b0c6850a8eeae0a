namespace ControlPlane.IntegrationTests.Fixtures;

/// <summary>A temporary folder of the YAML documents a CLI test applies; removed with the test class.</summary>
public sealed class DocumentFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("controlplane-docs-").FullName;

    /// <summary>Writes (or overwrites) one file and answers its path.</summary>
    public string Write(string file, string yaml)
    {
        var path = System.IO.Path.Combine(Path, file);
        File.WriteAllText(path, yaml);
        return path;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
