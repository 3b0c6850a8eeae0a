using System.CommandLine;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using ControlPlane.Client;
using ControlPlane.Client.Http;

namespace ControlPlane.Cli.Commands;

/// <summary>
/// `controlplane usage send -f events.jsonl`: CloudEvents-shaped usage events, one JSON object a line, in batches of
/// 1,000. The service stores each (tenant, source, id) once, so a batch whose answer was lost is simply sent again
/// with the same ids; the summary counts what was accepted, what was already there, and each refused event.
/// </summary>
internal static class UsageCommands
{
    public const int BatchSize = 1000;

    public static Command Create(CliContext context)
    {
        var command = new Command("usage", "Usage events for metering");
        var file = new Option<string>("--filename", "-f") { Description = "A JSON Lines file of usage events (- for stdin)", Required = true };
        var send = new Command("send", "Send usage events in batches of 1,000") { file };
        send.Handle(context, async (parse, session, ct) =>
        {
            var path = parse.GetValue(file)!;
            var events = ReadEvents(path == "-" ? context.In : new StreamReader(path), path);
            var explicitTenant = parse.GetValue(CliApp.Tenant) ?? context.Environment("CONTROLPLANE_TENANT");
            var total = new UsageSummary(0, 0, 0);
            for (var offset = 0; offset < events.Count; offset += BatchSize)
            {
                var batch = events.Skip(offset).Take(BatchSize).ToList();
                var answer = await SendBatchAsync(session.Http, explicitTenant, batch, ct);
                foreach (var error in answer.Errors)
                {
                    context.Error.WriteLine($"event {offset + error.Index + 1} ({error.Id}): {error.Type}: {error.Detail}");
                }

                total = new UsageSummary(total.Accepted + answer.Accepted, total.Duplicates + answer.Duplicates, total.Errors + answer.Errors.Count);
            }

            session.Printer.One(total, [new("ACCEPTED", s => s.Accepted), new("DUPLICATES", s => s.Duplicates), new("ERRORS", s => s.Errors)]);
            return total.Errors > 0 ? ExitCodes.Refused : ExitCodes.Ok;
        });
        command.Subcommands.Add(send);
        return command;
    }

    private static List<JsonNode> ReadEvents(TextReader reader, string source)
    {
        using (reader)
        {
            var events = new List<JsonNode>();
            var number = 0;
            while (reader.ReadLine() is { } line)
            {
                number++;
                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }

                try
                {
                    events.Add(JsonNode.Parse(line) ?? throw new UsageException($"{source}:{number}: null is not an event."));
                }
                catch (JsonException e)
                {
                    throw new UsageException($"{source}:{number}: not JSON: {e.Message}");
                }
            }

            return events.Count > 0 ? events : throw new UsageException($"{source}: no events.");
        }
    }

    /// <summary>
    /// Sent as JSON through the client's pipeline rather than the generated method: the document types an event's
    /// quantity as an object (schema JsonElement), which a number cannot be generated into. Marked safe to repeat:
    /// the event ids make a retried batch harmless.
    /// </summary>
    private static async Task<UsageBatchResponse> SendBatchAsync(HttpClient http, string? tenant, List<JsonNode> batch, CancellationToken ct)
    {
        var body = new JsonObject { ["events"] = new JsonArray(batch.Select(e => e.DeepClone()).ToArray()) };
        if (tenant is not null)
        {
            body["tenant"] = tenant;
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/usage-events:batch") { Content = JsonContent.Create(body) };
        request.Options.Set(TransientRetryHandler.SafeToRepeat, true);
        using var response = await http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new ApiException("The usage batch was refused.", (int)response.StatusCode, text,
                response.Headers.ToDictionary(h => h.Key, h => h.Value), null);
        }

        return JsonSerializer.Deserialize<UsageBatchResponse>(text, WireJson.Options)!;
    }

    private sealed record UsageSummary(int Accepted, int Duplicates, int Errors);
}
