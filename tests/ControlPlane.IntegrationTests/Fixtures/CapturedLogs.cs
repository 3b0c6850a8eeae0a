using System.Collections.Concurrent;
using Serilog.Core;
using Serilog.Events;

namespace ControlPlane.IntegrationTests.Fixtures;

/// <summary>Every log event of the service under test, rendered, so tests can assert what never appears in logs.</summary>
public sealed class CapturedLogs : ILogEventSink
{
    private readonly ConcurrentQueue<string> _lines = new();

    public void Emit(LogEvent logEvent)
    {
        using var writer = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        logEvent.RenderMessage(writer, System.Globalization.CultureInfo.InvariantCulture);
        writer.Write(' ');
        foreach (var (name, value) in logEvent.Properties)
        {
            writer.Write($"{name}={value} ");
        }

        writer.Write($"trace={logEvent.TraceId} ");
        writer.Write(logEvent.Exception);
        _lines.Enqueue(writer.ToString());
    }

    public IReadOnlyCollection<string> Lines => _lines;
}
