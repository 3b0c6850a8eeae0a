using System.Reflection;
using System.Runtime.Serialization;
using System.Text.Json;
using System.Text.Json.Serialization;
using ControlPlane.Application.Common;
using ControlPlane.Domain.Common;

namespace ControlPlane.UnitTests.Common;

/// <summary>Enums have one wire-name mechanism, <see cref="WireNames"/>: a second one (an attribute, a converter) fails here.</summary>
public class WireNameTests
{
    private static readonly Type[] Enums =
        [.. new[] { typeof(WireNames).Assembly, typeof(Page<>).Assembly }.SelectMany(a => a.GetTypes()).Where(t => t.IsEnum)];

    [Fact]
    public void No_enum_names_itself_on_the_wire_with_attributes_or_a_converter_of_its_own()
    {
        Assert.True(Enums.Length >= 20, $"only {Enums.Length} enums found");
        var renamed = Enums
            .Where(type => type.GetCustomAttribute<JsonConverterAttribute>() is not null
                || type.GetFields(BindingFlags.Public | BindingFlags.Static).Any(field =>
                    field.GetCustomAttribute<EnumMemberAttribute>() is not null
                    // the standard attribute only where the policy cannot spell the name (a word starting with a digit)
                    || field.GetCustomAttribute<JsonStringEnumMemberNameAttribute>() is { } given && given.Name == WireNames.Policy.ConvertName(field.Name)))
            .Select(type => type.FullName);
        Assert.Empty(renamed);
    }

    [Fact]
    public void Every_enum_value_serializes_parses_and_reads_back_by_its_wire_name()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web) { Converters = { WireNames.JsonConverter() } };
        foreach (var type in Enums)
        {
            foreach (var value in Enum.GetValues(type))
            {
                var name = WireNames.OfMember(type, value.ToString()!);
                Assert.Equal(name, typeof(WireNames).GetMethod(nameof(WireNames.Of))!.MakeGenericMethod(type).Invoke(null, [value]));
                Assert.Matches("^[a-z0-9]+(-[a-z0-9]+)*$", name);
                Assert.Equal($"\"{name}\"", JsonSerializer.Serialize(value, type, options));
                Assert.Equal(value, JsonSerializer.Deserialize($"\"{name}\"", type, options));
            }
        }

        Assert.Equal("not-admissible-now", WireNames.Of(Domain.Scheduling.SchedulingOutcome.NotAdmissibleNow));
        Assert.Equal(Domain.Scheduling.CapacityType.OnDemand, WireNames.Parse<Domain.Scheduling.CapacityType>("on-demand"));
        Assert.Null(WireNames.Parse<Domain.Scheduling.CapacityType>("OnDemand"));
    }
}
