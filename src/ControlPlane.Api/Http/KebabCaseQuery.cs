using System.Text.Json;
using ControlPlane.Application.Common;

namespace ControlPlane.Api.Http;

/// <summary>Query-string enums use the same kebab-case names as JSON bodies (e.g. ?phase=not-admissible-now).</summary>
internal static class KebabCaseQuery
{
    public static T? Parse<T>(string? value, string parameter) where T : struct, Enum
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        foreach (var candidate in Enum.GetValues<T>())
        {
            if (JsonNamingPolicy.KebabCaseLower.ConvertName(candidate.ToString()) == value)
            {
                return candidate;
            }
        }

        throw new ValidationFailedException(new Dictionary<string, string[]>
        {
            [parameter] = [$"one of: {string.Join(", ", Enum.GetValues<T>().Select(v => JsonNamingPolicy.KebabCaseLower.ConvertName(v.ToString())))}"],
        });
    }
}
