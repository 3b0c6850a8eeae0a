using System.Globalization;
using System.Text.RegularExpressions;

namespace ControlPlane.Domain.Slos;

/// <summary>A duration in Prometheus notation ("5m", "6h", "28d"): whole minutes, hours, days or weeks.</summary>
public static partial class SloWindow
{
    public const string Rule = "a duration such as 5m, 6h, 28d or 4w (whole minutes, hours, days or weeks)";

    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = default;
        var match = text is null ? Match.Empty : Pattern().Match(text);
        if (!match.Success || !int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var amount) || amount <= 0)
        {
            return false;
        }

        duration = match.Groups[2].Value switch
        {
            "m" => TimeSpan.FromMinutes(amount),
            "h" => TimeSpan.FromHours(amount),
            "d" => TimeSpan.FromDays(amount),
            _ => TimeSpan.FromDays(7.0 * amount),
        };
        return true;
    }

    /// <summary>Prometheus duration notation, exact to the second: 1d, 90m → 1h30m, 4m40s, 2d19h12m.</summary>
    public static string Format(TimeSpan duration)
    {
        var text = new System.Text.StringBuilder();
        Append(text, (long)duration.TotalDays, "d");
        Append(text, duration.Hours, "h");
        Append(text, duration.Minutes, "m");
        Append(text, duration.Seconds, "s");
        return text.Length == 0 ? "0s" : text.ToString();
    }

    private static void Append(System.Text.StringBuilder text, long amount, string unit)
    {
        if (amount > 0)
        {
            text.Append(amount.ToString(CultureInfo.InvariantCulture)).Append(unit);
        }
    }

    [GeneratedRegex("^([0-9]{1,5})(m|h|d|w)$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
