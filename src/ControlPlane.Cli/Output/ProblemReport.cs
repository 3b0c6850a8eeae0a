using System.Text.Json;
using ControlPlane.Client;
using JsonElement = System.Text.Json.JsonElement;

namespace ControlPlane.Cli.Output;

/// <summary>
/// An RFC 9457 problem the API answered, printed for a person reading a CI log: the title and status, the detail, each
/// field error, and the type URI that names the error for scripts; and the exit code it maps to.
/// </summary>
internal static class ProblemReport
{
    public static int Write(ApiException refusal, TextWriter error)
    {
        if (refusal.StatusCode is >= 200 and < 300)
        {
            // The API answered, but not in the shape the document promises: a contract defect, said as such.
            error.WriteLine($"Error: the API's answer ({refusal.StatusCode}) could not be read: {refusal.InnerException?.Message ?? refusal.Message}");
            return ExitCodes.Transient;
        }

        var (title, detail, type, fields) = Read(refusal.Response);
        error.WriteLine($"Error: {title ?? "The API refused the request."} ({refusal.StatusCode})");
        if (detail is not null)
        {
            error.WriteLine($"  {detail}");
        }

        foreach (var (field, messages) in fields)
        {
            foreach (var message in messages)
            {
                error.WriteLine($"  - {field}: {message}");
            }
        }

        if (type is not null)
        {
            error.WriteLine($"  type: {type}");
        }

        return ExitCode(refusal.StatusCode);
    }

    /// <summary>The problem's type URI, which names the error for code (null when the answer is no problem).</summary>
    public static string? TypeOf(ApiException refusal) => Read(refusal.Response).Type;

    /// <summary>A member the problem carries beyond RFC 9457's own (e.g. `parts` of artifact-not-uploaded); null when absent.</summary>
    public static JsonElement? Extension(ApiException refusal, string name)
    {
        try
        {
            using var json = JsonDocument.Parse(refusal.Response ?? "");
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty(name, out var value) ? value.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static int ExitCode(int status) => status switch
    {
        401 or 403 => ExitCodes.Authentication,
        404 => ExitCodes.NotFound,
        429 or >= 500 => ExitCodes.Transient,
        _ => ExitCodes.Refused,
    };

    private static (string? Title, string? Detail, string? Type, List<(string, List<string>)> Fields) Read(string? body)
    {
        var fields = new List<(string, List<string>)>();
        if (string.IsNullOrWhiteSpace(body))
        {
            return (null, null, null, fields);
        }

        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, body, null, fields);
            }

            if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
            {
                foreach (var field in errors.EnumerateObject())
                {
                    fields.Add((field.Name, field.Value.ValueKind == JsonValueKind.Array
                        ? field.Value.EnumerateArray().Select(m => m.ToString()).ToList()
                        : [field.Value.ToString()]));
                }
            }

            return (Text(root, "title"), Text(root, "detail"), Text(root, "type"), fields);
        }
        catch (JsonException)
        {
            return (null, body.Length > 500 ? body[..500] : body, null, fields);
        }

        static string? Text(JsonElement root, string name) =>
            root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }
}
