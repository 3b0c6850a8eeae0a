namespace ControlPlane.Domain.Common;

/// <summary>
/// Status and error messages quote clusters (an API server's 422 can be kilobytes long) but are stored in bounded columns: a
/// message that did not fit would fail the save, and the placement would be retried forever.
/// </summary>
public static class StatusMessage
{
    public const int MaxLength = 2000;

    /// <summary>The message, cut to <see cref="MaxLength"/> characters (ending in "…") when longer.</summary>
    public static string? Fit(string? message)
    {
        if (message is null || message.Length <= MaxLength)
        {
            return message;
        }

        var cut = MaxLength - 1;
        if (char.IsHighSurrogate(message[cut - 1]))
        {
            cut--; // never split a surrogate pair: the half would not encode
        }

        return string.Concat(message.AsSpan(0, cut), "…");
    }
}
