using System.Text.Json;
using ControlPlane.Client;

namespace ControlPlane.Cli;

/// <summary>JSON settings of the CLI's own files and of what it prints (the API's wire format, indented).</summary>
internal static class CliJson
{
    public static JsonSerializerOptions Files { get; } = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static JsonSerializerOptions Output { get; } = new(WireJson.Options) { WriteIndented = true };
}
