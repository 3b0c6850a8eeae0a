using System.Buffers;

namespace ControlPlane.Domain.Common;

/// <summary>
/// What any text the API accepts may contain. PostgreSQL's text and jsonb cannot store NUL at all (the write fails), and
/// other control characters (terminal escape sequences, DEL) in names, labels or free text end up in logs, terminals and
/// Kubernetes objects; unpaired surrogates cannot be encoded as UTF-8. Tab and line breaks stay allowed in free text.
/// </summary>
public static class StorableText
{
    /// <summary>No single text field is longer (fields document their own, smaller maximum where they have one).</summary>
    public const int MaxLength = 65_536;

    public const string Rule = "must not contain NUL, other control characters (tab and line breaks excepted) or unpaired surrogates";

    /// <summary>Every character that can make a text unstorable: C0 and C1 controls, DEL and surrogates.</summary>
    private static readonly SearchValues<char> Suspect = SearchValues.Create(
        [.. Enumerable.Range(0, 0x20).Concat(Enumerable.Range(0x7F, 0x21)).Concat(Enumerable.Range(0xD800, 0x800)).Select(c => (char)c)]);

    /// <summary>Text without any suspect character is storable, found by one vectorised scan (every text of every request passes here).</summary>
    public static bool IsStorable(string value) => !value.AsSpan().ContainsAny(Suspect) || IsStorableCharByChar(value);

    private static bool IsStorableCharByChar(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c) || (char.IsControl(c) && c is not ('\t' or '\n' or '\r')))
            {
                return false;
            }
        }

        return true;
    }
}
