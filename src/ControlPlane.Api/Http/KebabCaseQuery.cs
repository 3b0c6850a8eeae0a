using ControlPlane.Application.Common;
using ControlPlane.Domain.Common;

namespace ControlPlane.Api.Http;

/// <summary>Query-string enums use the same wire names as JSON bodies (e.g. ?phase=not-admissible-now).</summary>
internal static class KebabCaseQuery
{
    public static T? Parse<T>(string? value, string parameter) where T : struct, Enum
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        return WireNames.Parse<T>(value) ?? throw new ValidationFailedException(new Dictionary<string, string[]>
        {
            [parameter] = [$"one of: {string.Join(", ", WireNames.All<T>())}"],
        });
    }
}
