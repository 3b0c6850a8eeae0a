using System.Security.Cryptography;
using ControlPlane.Client;

namespace ControlPlane.Cli.Push;

/// <summary>One file of the model on disk: its manifest path ('/'-separated, relative), where it is, its size and SHA-256.</summary>
internal sealed record LocalFile(string Path, string FullPath, long SizeBytes, string Digest, string MediaType)
{
    public ManifestFileDto ToManifest() => new() { Path = Path, Digest = Digest, SizeBytes = SizeBytes, MediaType = MediaType };
}

/// <summary>
/// The files `models push PATH` sends: PATH itself (named by its file name), or every file below the directory PATH
/// except hidden ones (names starting with '.', such as .git/ and .gitattributes), each hashed by streaming it.
/// </summary>
internal static class LocalModel
{
    private const int HashBufferBytes = 1024 * 1024;

    public static async Task<IReadOnlyList<LocalFile>> HashAsync(string path, int parallelism, CancellationToken cancellationToken)
    {
        var found = Find(path);
        var hashed = new LocalFile[found.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, found.Count), new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                var (relative, full) = found[i];
                await using var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, HashBufferBytes, FileOptions.Asynchronous | FileOptions.SequentialScan);
                var digest = "sha256:" + Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, ct));
                hashed[i] = new LocalFile(relative, full, stream.Length, digest, MediaTypeOf(relative));
            });
        return hashed;
    }

    private static List<(string Relative, string Full)> Find(string path)
    {
        if (File.Exists(path))
        {
            return [(System.IO.Path.GetFileName(path), System.IO.Path.GetFullPath(path))];
        }

        if (!Directory.Exists(path))
        {
            throw new UsageException($"{path}: no such file or directory.");
        }

        var root = System.IO.Path.GetFullPath(path);
        var files = Directory.EnumerateFiles(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.Hidden | FileAttributes.System })
            .Select(full => (Relative: System.IO.Path.GetRelativePath(root, full).Replace(System.IO.Path.DirectorySeparatorChar, '/'), Full: full))
            .OrderBy(f => f.Relative, StringComparer.Ordinal)
            .ToList();
        return files.Count > 0 ? files : throw new UsageException($"{path}: the directory has no files to push.");
    }

    /// <summary>JSON files (config, tokenizer) say so; everything else is bytes. The media type is part of the manifest digest.</summary>
    private static string MediaTypeOf(string path) =>
        path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? "application/json" : "application/octet-stream";
}
