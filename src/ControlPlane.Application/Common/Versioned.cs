using System.Globalization;

namespace ControlPlane.Application.Common;

/// <summary>A resource representation with the concurrency version its ETag is made of.</summary>
public sealed record Versioned<T>(T Value, uint Version)
{
    public string ETag => ConcurrencyToken.ToETag(Version);
}

/// <summary>ETags are the row's Postgres xmin, quoted (a strong validator).</summary>
public static class ConcurrencyToken
{
    public static string ToETag(uint version) => $"\"{version.ToString(CultureInfo.InvariantCulture)}\"";

    /// <summary>True when an If-Match header value (a list, '*', weak or strong tags) matches the version.</summary>
    public static bool Matches(string ifMatch, uint version)
    {
        var current = ToETag(version);
        foreach (var raw in ifMatch.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var tag = raw.StartsWith("W/", StringComparison.Ordinal) ? raw[2..] : raw;
            if (tag == "*" || string.Equals(tag, current, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
