using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ControlPlane.Domain.Common;

/// <summary>
/// The one way an enum value is named outside C#: the kebab-case of its member name (<c>NotAdmissibleNow</c> →
/// <c>not-admissible-now</c>). JSON bodies, query strings, the OpenAPI document, stored JSON, audit and log text, metric
/// labels and Kubernetes labels all go through here, so a name can never differ between two of them. A name the policy
/// cannot spell (<c>cost-per-1k-inferences</c>: a word starting with a digit) is given by the standard
/// <see cref="JsonStringEnumMemberNameAttribute"/>, which the JSON converter honours and <see cref="Of{T}"/> reads too.
/// </summary>
public static class WireNames
{
    public static readonly JsonNamingPolicy Policy = JsonNamingPolicy.KebabCaseLower;

    /// <summary>The wire name of <paramref name="value"/>.</summary>
    public static string Of<T>(T value) where T : struct, Enum => Names<T>.ByValue[value];

    /// <summary>The value named <paramref name="name"/>, or null when no member has that wire name.</summary>
    public static T? Parse<T>(string? name) where T : struct, Enum =>
        Enum.GetValues<T>().Cast<T?>().FirstOrDefault(value => Of(value!.Value) == name);

    /// <summary>Every wire name of <typeparamref name="T"/>, in declaration order.</summary>
    public static IEnumerable<string> All<T>() where T : struct, Enum => Enum.GetValues<T>().Select(Of);

    /// <summary>The JSON converter every serializer of this service uses for enums (numbers are refused).</summary>
    public static JsonStringEnumConverter JsonConverter() => new(Policy, allowIntegerValues: false);

    /// <summary>The wire name of a member of an enum known only at run time (OpenAPI schemas).</summary>
    public static string OfMember(Type enumType, string member) =>
        enumType.GetField(member)?.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? Policy.ConvertName(member);

    /// <summary>Computed once per enum: wire names sit on hot paths (metric labels, audit, stored JSON).</summary>
    private static class Names<T> where T : struct, Enum
    {
        public static readonly Dictionary<T, string> ByValue = Enum.GetValues<T>().Distinct().ToDictionary(v => v, v => OfMember(typeof(T), v.ToString()));
    }
}
