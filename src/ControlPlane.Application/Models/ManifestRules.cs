using ControlPlane.Application.Common;
using ControlPlane.Domain.Models;

namespace ControlPlane.Application.Models;

/// <summary>Reads the manifest of a registration: files, or the single-object form as a manifest of one file.</summary>
internal static class ManifestRules
{
    private const string DigestRule = "must be sha256:<64 lower-case hex digits>";

    /// <summary>The files in canonical order and what the version's digest is of; field errors go to <paramref name="errors"/>.</summary>
    public static (IReadOnlyList<ManifestFile> Files, VersionDigestSource Source) Validate(RegisterVersionRequest request, long maxTotalBytes, FieldErrors errors)
    {
        if (request.Files is null)
        {
            // The single-object form: one file at a fixed path whose digest stays the version's (as before manifests).
            errors.AddIf(!ModelVersion.IsValidDigest(request.Digest), "digest", DigestRule + " (or give files)");
            errors.AddIf(request.SizeBytes is not { } size || size <= 0 || size > maxTotalBytes, "sizeBytes", $"must be between 1 and {maxTotalBytes} bytes");
            return !errors.IsEmpty
                ? ([], VersionDigestSource.SoleFile)
                : ([new ManifestFile(ModelManifest.SoleFilePath, request.Digest!, request.SizeBytes!.Value, ModelManifest.DefaultMediaType)], VersionDigestSource.SoleFile);
        }

        errors.AddIf(request.Digest is not null || request.SizeBytes is not null, "digest", "give either files or digest and sizeBytes, not both");
        errors.AddIf(request.Files.Count is 0 or > ModelManifest.MaxFiles, "files", $"between 1 and {ModelManifest.MaxFiles} files");
        var files = new List<ManifestFile>();
        var paths = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Math.Min(request.Files.Count, ModelManifest.MaxFiles); i++)
        {
            var file = request.Files[i];
            var at = $"files[{i}]";
            if (file is null)
            {
                errors.Add(at, "is required");
                continue;
            }

            errors.AddIf(!ModelManifest.IsValidPath(file.Path), at + ".path", ModelManifest.PathRule);
            errors.AddIf(file.Path is not null && !paths.Add(file.Path), at + ".path", "appears twice");
            errors.AddIf(!ModelVersion.IsValidDigest(file.Digest), at + ".digest", DigestRule);
            errors.AddIf(file.SizeBytes <= 0 || file.SizeBytes > maxTotalBytes, at + ".sizeBytes", $"must be between 1 and {maxTotalBytes} bytes");
            errors.AddIf(file.MediaType is not null && !ModelManifest.IsValidMediaType(file.MediaType), at + ".mediaType", ModelManifest.MediaTypeRule);
            files.Add(new ManifestFile(file.Path!, file.Digest, file.SizeBytes, file.MediaType ?? ModelManifest.DefaultMediaType));
        }

        // Checked sums: a thousand files of the largest size each would overflow a long.
        errors.AddIf(errors.IsEmpty && files.Aggregate(0m, (sum, f) => sum + f.SizeBytes) > maxTotalBytes, "files",
            $"the files total more than {maxTotalBytes} bytes");
        return (!errors.IsEmpty ? [] : ModelManifest.Sorted(files, f => f.Path), VersionDigestSource.Manifest);
    }
}
