namespace ControlPlane.KubernetesEmulator.Http;

/// <summary>
/// A label or field selector of equality terms: <c>a=b</c>, <c>a==b</c>, <c>a!=b</c>, and for labels
/// the existence terms <c>a</c> and <c>!a</c>. Set-based terms (<c>in</c>, <c>notin</c>) are not supported.
/// </summary>
internal sealed class Selector
{
    private readonly List<Func<IReadOnlyDictionary<string, string>, bool>> _terms;

    private Selector(List<Func<IReadOnlyDictionary<string, string>, bool>> terms) => _terms = terms;

    public static Selector Everything { get; } = new([]);

    public bool Matches(IReadOnlyDictionary<string, string> values) => _terms.All(term => term(values));

    public static Selector Parse(string? text, string parameter)
    {
        var terms = new List<Func<IReadOnlyDictionary<string, string>, bool>>();
        foreach (var raw in (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            terms.Add(ParseTerm(raw, parameter));
        }

        return new Selector(terms);
    }

    private static Func<IReadOnlyDictionary<string, string>, bool> ParseTerm(string term, string parameter)
    {
        if (term.Contains(" in ", StringComparison.Ordinal) || term.Contains(" notin ", StringComparison.Ordinal))
        {
            throw ApiException.BadRequest($"unable to parse requirement: set-based {parameter} terms are not supported by the emulator: \"{term}\"");
        }

        var notEqual = term.IndexOf("!=", StringComparison.Ordinal);
        if (notEqual > 0)
        {
            var (key, value) = (term[..notEqual].Trim(), term[(notEqual + 2)..].Trim());
            return values => !values.TryGetValue(key, out var actual) || actual != value;
        }

        var equal = term.IndexOf('=', StringComparison.Ordinal);
        if (equal > 0)
        {
            var valueStart = term.AsSpan(equal).StartsWith("==") ? equal + 2 : equal + 1;
            var (key, value) = (term[..equal].Trim(), term[valueStart..].Trim());
            return values => values.TryGetValue(key, out var actual) && actual == value;
        }

        if (term.StartsWith('!') && term.Length > 1)
        {
            var key = term[1..];
            return values => !values.ContainsKey(key);
        }

        if (term.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/'))
        {
            return values => values.ContainsKey(term);
        }

        throw ApiException.BadRequest($"unable to parse requirement: invalid {parameter} term \"{term}\"");
    }
}
