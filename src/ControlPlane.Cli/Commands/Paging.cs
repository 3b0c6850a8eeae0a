namespace ControlPlane.Cli.Commands;

/// <summary>Follows nextPageToken until the last page, so `list` shows everything.</summary>
internal static class Paging
{
    public const int PageSize = 100;

    public static async Task<IReadOnlyList<T>> AllAsync<T>(Func<string?, Task<(ICollection<T> Items, string? Next)>> page)
    {
        var all = new List<T>();
        string? token = null;
        do
        {
            var (items, next) = await page(token);
            all.AddRange(items);
            token = next;
        }
        while (token is not null);
        return all;
    }
}
