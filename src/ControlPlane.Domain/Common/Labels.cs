using System.Text.RegularExpressions;

namespace ControlPlane.Domain.Common;

/// <summary>Labels follow Kubernetes' rules so that they can be copied onto cluster objects unchanged.</summary>
public static partial class Labels
{
    /// <summary>How many labels one resource may carry.</summary>
    public const int MaxCount = 64;

    /// <summary>Returns a sentence per invalid entry, keyed by the label's key.</summary>
    public static IEnumerable<(string Key, string Problem)> Validate(IReadOnlyDictionary<string, string>? labels)
    {
        if (labels is null)
        {
            yield break;
        }

        if (labels.Count > MaxCount)
        {
            yield return ("", $"at most {MaxCount} labels are allowed");
        }

        foreach (var (key, value) in labels)
        {
            if (!KeyPattern().IsMatch(key) || key.Length > 317)
            {
                yield return (key, "label keys are an optional DNS prefix and '/', then at most 63 letters, digits, '-', '_' or '.'");
            }
            else if (value.Length > 63 || (value.Length > 0 && !ValuePattern().IsMatch(value)))
            {
                yield return (key, "label values are at most 63 letters, digits, '-', '_' or '.', starting and ending alphanumeric");
            }
        }
    }

    [GeneratedRegex(@"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex KeyPattern();

    [GeneratedRegex("^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex ValuePattern();
}
