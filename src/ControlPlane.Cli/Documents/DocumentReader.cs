using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ControlPlane.Cli.Documents;

/// <summary>
/// Reads `-f FILE|DIR`: a directory's *.yaml, *.yml and *.json files in name order; a YAML file may hold several
/// documents separated by ---. YAML is turned into JSON with the types YAML 1.2's core schema gives plain scalars
/// (numbers, booleans, null), while a quoted scalar stays a string.
/// </summary>
internal static class DocumentReader
{
    private static readonly string[] Extensions = [".yaml", ".yml", ".json"];

    public static IReadOnlyList<ResourceDocument> Read(IEnumerable<string> paths)
    {
        var documents = new List<ResourceDocument>();
        foreach (var path in paths)
        {
            IEnumerable<string> files = Directory.Exists(path)
                ? Directory.EnumerateFiles(path).Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase)).Order(StringComparer.Ordinal)
                : File.Exists(path) ? [path] : throw new UsageException($"{path}: no such file or directory.");
            foreach (var file in files)
            {
                documents.AddRange(ReadFile(file));
            }
        }

        return documents.Count > 0 ? documents : throw new UsageException("No documents found.");
    }

    public static IEnumerable<ResourceDocument> ReadFile(string file)
    {
        var text = File.ReadAllText(file);
        if (Path.GetExtension(file).Equals(".json", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                return [ResourceDocument.From(JsonNode.Parse(text), file)];
            }
            catch (JsonException e)
            {
                throw new UsageException($"{file}: not JSON: {e.Message}");
            }
        }

        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new UsageException($"{file}: not YAML: {e.Message}");
        }

        return stream.Documents.Select((d, i) => ResourceDocument.From(ToJson(d.RootNode), stream.Documents.Count > 1 ? $"{file}#{i + 1}" : file)).ToList();
    }

    public static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode mapping => new JsonObject(mapping.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value ?? "", ToJson(c.Value)))),
        YamlSequenceNode sequence => new JsonArray(sequence.Children.Select(ToJson).ToArray()),
        YamlScalarNode scalar => Scalar(scalar),
        _ => null,
    };

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style is not (ScalarStyle.Plain or ScalarStyle.Any))
        {
            return JsonValue.Create(text);
        }

        return text switch
        {
            "" or "~" or "null" or "Null" or "NULL" => null,
            "true" or "True" or "TRUE" => JsonValue.Create(true),
            "false" or "False" or "FALSE" => JsonValue.Create(false),
            _ when long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer) => JsonValue.Create(integer),
            _ when decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) => JsonValue.Create(number),
            _ => JsonValue.Create(text),
        };
    }
}
