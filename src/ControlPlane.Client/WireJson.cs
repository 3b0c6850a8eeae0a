using System.Reflection;
using System.Runtime.Serialization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ControlPlane.Client;

/// <summary>
/// The JSON the API speaks, for the generated client and for everything the CLI reads or prints: enums by the wire
/// names the document declares (NSwag marks them with <see cref="EnumMemberAttribute"/>, which System.Text.Json ignores),
/// nulls left out, camelCase.
/// </summary>
public static class WireJson
{
    public static JsonSerializerOptions Options { get; } = Configure(new JsonSerializerOptions());

    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        options.Converters.Add(new EnumMemberConverterFactory());
        return options;
    }

    /// <summary>The wire name of a generated enum value ("on-demand"), as the document spells it.</summary>
    public static string WireName<TEnum>(TEnum value)
        where TEnum : struct, Enum =>
        typeof(TEnum).GetField(value.ToString())?.GetCustomAttribute<EnumMemberAttribute>()?.Value ?? value.ToString();

    private sealed class EnumMemberConverterFactory : JsonConverterFactory
    {
        public override bool CanConvert(Type typeToConvert) => typeToConvert.IsEnum;

        public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
            (JsonConverter)Activator.CreateInstance(typeof(EnumMemberConverter<>).MakeGenericType(typeToConvert))!;
    }

    private sealed class EnumMemberConverter<TEnum> : JsonConverter<TEnum>
        where TEnum : struct, Enum
    {
        private static readonly Dictionary<string, TEnum> ByName = Enum.GetValues<TEnum>().ToDictionary(v => WireName(v), StringComparer.Ordinal);

        public override TEnum Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var name = reader.GetString();
            return name is not null && ByName.TryGetValue(name, out var value)
                ? value
                : throw new JsonException($"'{name}' is not one of: {string.Join(", ", ByName.Keys)}.");
        }

        public override void Write(Utf8JsonWriter writer, TEnum value, JsonSerializerOptions options) => writer.WriteStringValue(WireName(value));
    }
}

public partial class ControlPlaneClient
{
    static partial void UpdateJsonSerializerSettings(JsonSerializerOptions settings) => WireJson.Configure(settings);

    /// <summary>Keep every answer's text, so a refusal's problem (title, detail, field errors) can be shown as it came.</summary>
    partial void Initialize() => ReadResponseAsString = true;
}
