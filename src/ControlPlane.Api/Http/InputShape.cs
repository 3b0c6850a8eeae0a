using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using ControlPlane.Application.Common;
using ControlPlane.Domain.Common;

namespace ControlPlane.Api.Http;

/// <summary>
/// The one check every /v1 operation's input passes before its handler runs, whatever the operation: route and query
/// values, headers bound to parameters and the whole bound body (nested objects, lists, maps and free JSON). It refuses,
/// with a field error named by the field's JSON path, what no field of this API accepts: text with NUL or other control
/// characters or longer than <see cref="StorableText.MaxLength"/>, a list or map of more than <see cref="MaxItems"/>
/// entries, a null item in a list or a null value in a map, and instants outside <see cref="SupportedTime"/>. Field-specific rules (names, lengths, numeric bounds) stay with each
/// operation's validator; this is the floor under all of them, so an operation added later cannot forget it.
/// </summary>
internal static class InputShape
{
    private const int MaxDepth = 32;

    /// <summary>
    /// No list or map in a request holds more entries (fields document their own, smaller maximum where they have one):
    /// the largest list the API carries is a model version's file manifest, and S3 caps a multipart upload at this many parts.
    /// </summary>
    public const int MaxItems = 10_000;

    private static readonly ConcurrentDictionary<Type, (string Name, PropertyInfo Property)[]> Properties = new();

    /// <summary>Adds the check to every endpoint of <paramref name="group"/>.</summary>
    public static RouteGroupBuilder RefuseMalformedInput(this RouteGroupBuilder group) => group.AddEndpointFilterFactory(Filter);

    private static EndpointFilterDelegate Filter(EndpointFilterFactoryContext context, EndpointFilterDelegate next)
    {
        var services = context.ApplicationServices.GetRequiredService<IServiceProviderIsService>();
        var inputs = context.MethodInfo.GetParameters()
            .Select((parameter, index) => (parameter, index))
            .Where(p => IsInput(p.parameter.ParameterType, services))
            .Select(p => (p.index, Name: IsBody(p.parameter.ParameterType) ? "" : p.parameter.Name!))
            .ToArray();
        if (inputs.Length == 0)
        {
            return next;
        }

        return invocation =>
        {
            // Well-formed input (nearly every request) is walked once without building a path per field: a batch of
            // 1,000 usage events would otherwise build ten thousand path strings that no error ever names. Only input
            // with a finding is walked again, naming the fields.
            var probe = new Findings(null);
            foreach (var (index, _) in inputs)
            {
                Inspect(invocation.Arguments[index], null, probe, 0);
            }

            if (probe.Any)
            {
                var errors = new FieldErrors();
                foreach (var (index, name) in inputs)
                {
                    Inspect(invocation.Arguments[index], name, new Findings(errors), 0);
                }

                errors.ThrowIfAny();
            }

            return next(invocation);
        };
    }

    /// <summary>Request data: text and instants from the URL or headers, and bodies (the API's own types that are not services).</summary>
    private static bool IsInput(Type type, IServiceProviderIsService services) =>
        type == typeof(string) || Nullable.GetUnderlyingType(type) == typeof(DateTimeOffset) || type == typeof(DateTimeOffset)
        || (IsBody(type) && !services.IsService(type));

    private static bool IsBody(Type type) => type.IsClass && type.Namespace?.StartsWith("ControlPlane.", StringComparison.Ordinal) == true;

    private static void Inspect(object? value, string? path, Findings errors, int depth)
    {
        if (depth > MaxDepth)
        {
            errors.Add(path, $"nests deeper than {MaxDepth} levels");
            return;
        }

        switch (value)
        {
            case null or ValueType and not DateTimeOffset and not JsonElement: // numbers, booleans, enums: their fields bound them
                return;
            case string text:
                InspectText(text, path, errors);
                return;
            case DateTimeOffset instant:
                if (!SupportedTime.Contains(instant))
                {
                    errors.Add(path, SupportedTime.Rule);
                }

                return;
            case JsonElement json:
                InspectJson(json, path, errors, depth);
                return;
            case IDictionary map:
                if (map.Count > MaxItems)
                {
                    errors.Add(path, $"must have at most {MaxItems} entries");
                }

                foreach (DictionaryEntry entry in map)
                {
                    var key = (entry.Key as string) ?? "";
                    var entryPath = Join(path, key);
                    InspectText(key, entryPath, errors);
                    if (entry.Value is null)
                    {
                        errors.Add(entryPath, "must not be null");
                    }
                    else
                    {
                        Inspect(entry.Value, entryPath, errors, depth + 1);
                    }
                }

                return;
            case IEnumerable items:
                var i = 0;
                foreach (var item in items)
                {
                    if (i == MaxItems)
                    {
                        errors.Add(path, $"must have at most {MaxItems} items");
                        return;
                    }

                    var itemPath = Index(path, i++);
                    if (item is null)
                    {
                        errors.Add(itemPath, "must not be null");
                    }
                    else
                    {
                        Inspect(item, itemPath, errors, depth + 1);
                    }
                }

                return;
            default:
                if (!IsBody(value.GetType()))
                {
                    return;
                }

                foreach (var (name, property) in Properties.GetOrAdd(value.GetType(), ReadableProperties))
                {
                    Inspect(property.GetValue(value), Join(path, name), errors, depth + 1);
                }

                return;
        }
    }

    private static void InspectText(string text, string? path, Findings errors)
    {
        if (text.Length > StorableText.MaxLength)
        {
            errors.Add(path, $"must be at most {StorableText.MaxLength} characters");
        }
        else if (!StorableText.IsStorable(text))
        {
            errors.Add(path, StorableText.Rule);
        }
    }

    /// <summary>Free JSON (hyperparameters, a usage quantity) is stored as jsonb, which cannot hold NUL either.</summary>
    private static void InspectJson(JsonElement json, string? path, Findings errors, int depth)
    {
        if (depth > MaxDepth)
        {
            errors.Add(path, $"nests deeper than {MaxDepth} levels");
            return;
        }

        switch (json.ValueKind)
        {
            case JsonValueKind.String:
                InspectText(json.GetString()!, path, errors);
                break;
            case JsonValueKind.Object:
                foreach (var property in json.EnumerateObject())
                {
                    InspectText(property.Name, Join(path, property.Name), errors);
                    InspectJson(property.Value, Join(path, property.Name), errors, depth + 1);
                }

                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in json.EnumerateArray())
                {
                    InspectJson(item, Index(path, i++), errors, depth + 1);
                }

                break;
        }
    }

    private static (string, PropertyInfo)[] ReadableProperties(Type type) =>
        [.. type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanRead && p.GetIndexParameters().Length == 0)
            .Select(p => (JsonNamingPolicy.CamelCase.ConvertName(p.Name), p))];

    private static string? Join(string? path, string name) => path is null ? null : path.Length == 0 ? name : path + "." + name;

    private static string? Index(string? path, int index) => path is null ? null : $"{path}[{index}]";

    /// <summary>Where findings go: field errors named by path, or (without paths) only whether there is any.</summary>
    private sealed class Findings(FieldErrors? errors)
    {
        public bool Any { get; private set; }

        public void Add(string? path, string message)
        {
            Any = true;
            errors?.Add(path!, message);
        }
    }
}
