using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace ControlPlane.Domain.Models;

/// <summary>One file of a version's manifest: where it goes in the model directory and what its bytes are.</summary>
/// <param name="Path">Relative, '/'-separated path inside the model directory.</param>
/// <param name="Digest">sha256:&lt;64 lower-case hex&gt; of the file's bytes.</param>
/// <param name="SizeBytes">Exact size of the file.</param>
/// <param name="MediaType">Media type (application/octet-stream when not given).</param>
public sealed record ManifestFile(string Path, string Digest, long SizeBytes, string MediaType);

/// <summary>
/// The manifest of a version (an OCI image manifest in spirit): its files, and the canonical form whose SHA-256 is the
/// version's digest. The canonical form is UTF-8 JSON without whitespace, <c>{"files":[{"path":…,"digest":…,
/// "sizeBytes":…,"mediaType":…},…]}</c>, keys in that order, files sorted by the UTF-8 bytes of their paths. Paths and
/// media types can hold no character JSON would escape, so the form needs no escaping rules (it equals RFC 8785's).
/// </summary>
public static partial class ModelManifest
{
    public const int MaxFiles = 1000;
    public const int PathMaxLength = 512;
    public const int MediaTypeMaxLength = 255;
    public const string DefaultMediaType = "application/octet-stream";

    /// <summary>The path a version registered by the single-object form (digest + sizeBytes) gets as its one file.</summary>
    public const string SoleFilePath = "model";

    public const string PathRule = "a relative '/'-separated path of at most 512 characters: no leading or trailing '/', no empty, '.' or '..' "
        + "segments, no control characters, '\\', '\"' or '%'";

    public const string MediaTypeRule = "a media type such as application/json (type/subtype, at most 255 characters)";

    /// <summary>True for a path <see cref="PathRule"/> allows.</summary>
    public static bool IsValidPath(string? path)
    {
        if (string.IsNullOrEmpty(path) || path.Length > PathMaxLength)
        {
            return false;
        }

        for (var i = 0; i < path.Length; i++)
        {
            var c = path[i];
            // '%' keeps a path's URL form (…/files/{path}:upload-parts, '/' as %2F) unambiguous; backslash and '"' keep the canonical JSON escape-free.
            if (char.IsControl(c) || c is '\\' or '"' or '%')
            {
                return false;
            }

            // A lone surrogate has no UTF-8 form, so no canonical manifest.
            if (char.IsSurrogate(c) && !(char.IsHighSurrogate(c) && i + 1 < path.Length && char.IsLowSurrogate(path[++i])))
            {
                return false;
            }
        }

        return path.Split('/').All(segment => segment is not ("" or "." or ".."));
    }

    public static bool IsValidMediaType(string? mediaType) =>
        mediaType is not null && mediaType.Length <= MediaTypeMaxLength && MediaTypePattern().IsMatch(mediaType);

    /// <summary>Files in canonical order: by the UTF-8 bytes of their paths (what any language's byte sort gives).</summary>
    public static List<T> Sorted<T>(IEnumerable<T> files, Func<T, string> path) =>
        files.OrderBy(f => Encoding.UTF8.GetBytes(path(f)), Utf8Order.Instance).ToList();

    /// <summary>The canonical manifest's bytes.</summary>
    public static byte[] Canonical(IEnumerable<ManifestFile> files)
    {
        var json = new StringBuilder("{\"files\":[");
        var first = true;
        foreach (var file in Sorted(files, f => f.Path))
        {
            json.Append(first ? "" : ",").Append(CultureInfo.InvariantCulture,
                $"{{\"path\":\"{file.Path}\",\"digest\":\"{file.Digest}\",\"sizeBytes\":{file.SizeBytes},\"mediaType\":\"{file.MediaType}\"}}");
            first = false;
        }

        return Encoding.UTF8.GetBytes(json.Append("]}").ToString());
    }

    /// <summary>sha256:&lt;hex&gt; of the canonical manifest: the digest of a version registered with files.</summary>
    public static string DigestOf(IEnumerable<ManifestFile> files) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Canonical(files)));

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$", RegexOptions.CultureInvariant)]
    private static partial Regex MediaTypePattern();

    private sealed class Utf8Order : IComparer<byte[]>
    {
        public static readonly Utf8Order Instance = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
