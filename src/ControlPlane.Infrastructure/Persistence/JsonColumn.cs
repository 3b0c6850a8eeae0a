using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ControlPlane.Domain.Common;

namespace ControlPlane.Infrastructure.Persistence;

internal static class JsonColumn
{
    /// <summary>Stores any value (lists of records, maps) as jsonb, compared by its JSON so in-place changes are saved.</summary>
    public static PropertyBuilder<T> HasJsonb<T>(this PropertyBuilder<T> property) where T : class? =>
        property.HasColumnType("jsonb").HasConversion(
            v => Serialize(v),
            v => JsonSerializer.Deserialize<T>(v, Options)!,
            new ValueComparer<T>(
                (a, b) => JsonSerializer.Serialize(a, Options) == JsonSerializer.Serialize(b, Options),
                v => JsonSerializer.Serialize(v, Options).GetHashCode(StringComparison.Ordinal),
                v => JsonSerializer.Deserialize<T>(JsonSerializer.Serialize(v, Options), Options)!));

    /// <summary>The JSON a <see cref="HasJsonb{T}"/> column holds for <paramref name="value"/> (for writers that bypass EF Core).</summary>
    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { WireNames.JsonConverter() },
    };

    /// <summary>Stores a string map as jsonb, compared by content so that in-place changes are saved.</summary>
    public static PropertyBuilder<Dictionary<string, string>> HasJsonbConversion(this PropertyBuilder<Dictionary<string, string>> property) =>
        property.HasColumnType("jsonb").HasConversion(
            v => JsonSerializer.Serialize(v, JsonSerializerOptions.Default),
            v => JsonSerializer.Deserialize<Dictionary<string, string>>(v, JsonSerializerOptions.Default) ?? new Dictionary<string, string>(),
            new ValueComparer<Dictionary<string, string>>(
                (a, b) => a!.Count == b!.Count && !a.Except(b).Any(),
                v => v.Aggregate(0, (h, kv) => HashCode.Combine(h, kv.Key.GetHashCode(StringComparison.Ordinal), kv.Value.GetHashCode(StringComparison.Ordinal))),
                v => new Dictionary<string, string>(v, StringComparer.Ordinal)));
}
