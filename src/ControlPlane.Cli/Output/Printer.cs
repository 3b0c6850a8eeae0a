using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;
using YamlDotNet.Serialization;

namespace ControlPlane.Cli.Output;

/// <summary>Writes results to stdout in the -o format: tables through Spectre.Console, JSON and YAML of the API's wire form.</summary>
internal sealed class Printer(TextWriter output, OutputFormat format)
{
    public OutputFormat Format => format;

    public void One<T>(T item, IReadOnlyList<Column<T>> columns) => Many([item], columns, single: item);

    public void Many<T>(IReadOnlyList<T> items, IReadOnlyList<Column<T>> columns) => Many(items, columns, single: null);

    /// <summary>A document the API answered untyped (a JSON string body), printed as it came in JSON and YAML.</summary>
    public void Node(JsonNode? node, Action<JsonNode?> table)
    {
        switch (format)
        {
            case OutputFormat.Json:
                output.WriteLine(node?.ToJsonString(CliJson.Output) ?? "null");
                break;
            case OutputFormat.Yaml:
                output.Write(Yaml(node));
                break;
            default:
                table(node);
                break;
        }
    }

    public void Line(string text) => output.WriteLine(text);

    /// <summary>Spectre.Console on this printer's stream: plain text when it is not a terminal (pipes, CI logs, tests).</summary>
    public IAnsiConsole Console()
    {
        var terminal = ReferenceEquals(output, System.Console.Out) && !System.Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = ColorSystemSupport.Detect,
            Interactive = InteractionSupport.No,
        });
        if (!terminal)
        {
            console.Profile.Width = UnwrappedWidth; // a log or a pipe has no width: never wrap a cell there
        }

        return console;
    }

    private const int UnwrappedWidth = 400;

    private void Many<T>(IReadOnlyList<T> items, IReadOnlyList<Column<T>> columns, object? single)
    {
        switch (format)
        {
            case OutputFormat.Json:
                output.WriteLine(single is null ? JsonSerializer.Serialize(items, CliJson.Output) : JsonSerializer.Serialize(single, single.GetType(), CliJson.Output));
                break;
            case OutputFormat.Yaml:
                output.Write(Yaml(single is null ? JsonSerializer.SerializeToNode(items, CliJson.Output) : JsonSerializer.SerializeToNode(single, single.GetType(), CliJson.Output)));
                break;
            default:
                var table = new Table().Border(TableBorder.Simple);
                foreach (var column in columns)
                {
                    table.AddColumn(column.Header);
                }

                foreach (var item in items)
                {
                    table.AddRow(columns.Select(c => Markup.Escape(Cell(c.Cell(item)))).ToArray());
                }

                Console().Write(table);
                break;
        }
    }

    public static string Cell(object? value) => value switch
    {
        null => "",
        DateTimeOffset time => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string Yaml(JsonNode? node) => new SerializerBuilder().Build().Serialize(Plain(node));

    /// <summary>JSON nodes as the plain dictionaries, lists and scalars YamlDotNet serializes.</summary>
    private static object? Plain(JsonNode? node) => node switch
    {
        JsonObject obj => obj.ToDictionary(p => p.Key, p => Plain(p.Value)),
        JsonArray array => array.Select(Plain).ToList(),
        JsonValue value => value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number => decimal.Parse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture),
            _ => null,
        },
        _ => null,
    };
}
