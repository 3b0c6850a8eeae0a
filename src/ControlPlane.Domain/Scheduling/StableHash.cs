namespace ControlPlane.Domain.Scheduling;

/// <summary>
/// FNV-1a over the UTF-16 code units of its parts (separated), 64 bit, finished with MurmurHash3's fmix64 (FNV alone
/// barely mixes a difference in the last characters into the high bits, and the order compares whole values): the same
/// on every replica and every run, unlike <see cref="string.GetHashCode()"/>, so a placement's order among equal pools
/// is reproducible and explainable.
/// </summary>
internal static class StableHash
{
    private const ulong Offset = 14695981039346656037UL;
    private const ulong Prime = 1099511628211UL;

    public static ulong Of(string first, string second, string third)
    {
        var hash = Offset;
        foreach (var part in (ReadOnlySpan<string>)[first, second, third])
        {
            foreach (var c in part)
            {
                hash = (hash ^ c) * Prime;
            }

            hash = (hash ^ 0xFFFF) * Prime; // separator: ("ab","c") and ("a","bc") differ
        }

        hash = (hash ^ (hash >> 33)) * 0xFF51AFD7ED558CCDUL;
        hash = (hash ^ (hash >> 33)) * 0xC4CEB9FE1A85EC53UL;
        return hash ^ (hash >> 33);
    }
}
