using System.Diagnostics;
using Serilog;
using Serilog.Formatting.Compact;

namespace ControlPlane.Api.Hosting;

internal static class LoggingSetup
{
    private const string ReadableTemplate =
        "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj} (trace {TraceId}){NewLine}{Exception}";

    /// <summary>
    /// Every request gets a W3C trace id even when no tracing exporter listens: the id ties log lines, problem bodies
    /// and audit events together. PropagationData creates the ids without recording anything.
    /// </summary>
    private static readonly ActivityListener RequestIdListener = new()
    {
        ShouldListenTo = source => source.Name == "Microsoft.AspNetCore",
        Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.PropagationData,
    };

    /// <summary>Serilog: readable lines in Development, compact JSON elsewhere; every line carries the trace id.</summary>
    public static void AddControlPlaneLogging(this WebApplicationBuilder builder)
    {
        ActivitySource.AddActivityListener(RequestIdListener);
        builder.Services.AddSerilog((services, logger) =>
        {
            logger.ReadFrom.Configuration(builder.Configuration)
                .ReadFrom.Services(services)
                .Enrich.FromLogContext()
                .MinimumLevel.Override("Microsoft.AspNetCore", Serilog.Events.LogEventLevel.Warning)
                .MinimumLevel.Override("Microsoft.EntityFrameworkCore", Serilog.Events.LogEventLevel.Warning)
                .MinimumLevel.Override("OpenIddict", Serilog.Events.LogEventLevel.Warning);
            if (builder.Environment.IsDevelopment())
            {
                logger.WriteTo.Console(outputTemplate: ReadableTemplate, formatProvider: System.Globalization.CultureInfo.InvariantCulture);
            }
            else
            {
                logger.WriteTo.Console(new CompactJsonFormatter());
            }
        });
    }
}
