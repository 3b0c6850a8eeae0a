using System.Buffers.Text;
using System.Text;

namespace ControlPlane.Application.Common;

/// <summary>A page of results and the opaque token for the next one (null on the last page).</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextPageToken);

/// <summary>Cursor pagination: the token is the sort key of the last item, so pages stay stable under inserts.</summary>
public sealed record PageRequest(int PageSize, string? After)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;

    public static PageRequest From(int? pageSize, string? pageToken)
    {
        var errors = new FieldErrors();
        errors.AddIf(pageSize is < 1 or > MaxPageSize, "pageSize", $"must be between 1 and {MaxPageSize}");
        string? after = null;
        if (!string.IsNullOrEmpty(pageToken))
        {
            after = Decode(pageToken);
            errors.AddIf(after is null, "pageToken", "is not a token this API issued");
        }

        errors.ThrowIfAny();
        return new PageRequest(pageSize ?? DefaultPageSize, after);
    }

    /// <summary>Builds the page from up to PageSize + 1 rows: the extra row only proves that another page exists.</summary>
    public Page<TOut> ToPage<TIn, TOut>(IReadOnlyList<TIn> rows, Func<TIn, string> cursorOf, Func<TIn, TOut> map)
    {
        var items = rows.Take(PageSize).Select(map).ToList();
        var next = rows.Count > PageSize ? Encode(cursorOf(rows[PageSize - 1])) : null;
        return new Page<TOut>(items, next);
    }

    private static string Encode(string cursor) => "v1." + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(cursor));

    private static string? Decode(string token)
    {
        if (!token.StartsWith("v1.", StringComparison.Ordinal))
        {
            return null;
        }

        try
        {
            return Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token.AsSpan(3)));
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
