using System.Text.Json.Serialization;
using ControlPlane.Api.Http;
using ControlPlane.Api.Identity;
using ControlPlane.Api.OpenApi;
using ControlPlane.Api.Telemetry;
using ControlPlane.Application;
using ControlPlane.Application.Abstractions;
using ControlPlane.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.Metrics;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using ControlPlane.Domain.Common;

namespace ControlPlane.Api.Hosting;

internal static class ServiceSetup
{
    /// <summary>All the service's wiring; Program.cs stays a dozen lines.</summary>
    public static void AddControlPlaneServices(this WebApplicationBuilder builder)
    {
        DocumentGeneration.SupplyPlaceholderConfiguration(builder.Configuration);
        var services = builder.Services;
        services.AddControlPlaneApplication();
        services.AddControlPlaneInfrastructure(builder.Configuration);

        services.AddHttpContextAccessor();
        services.AddScoped<ICallerContext, HttpCallerContext>();
        services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.Converters.Add(WireNames.JsonConverter());
            options.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
            // Numbers are JSON numbers: the web default also reads "8" as 8, which documents every integer as "integer or string".
            options.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
            // A member no schema has (a typo'd field in a PATCH) is a 400 naming it, never silently ignored.
            options.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        });
        services.AddControlPlaneProblemDetails();
        services.AddControlPlaneAuthorization();
        services.Replace(ServiceDescriptor.Scoped<IAuthenticationHandlerProvider, ApiRouteAuthenticationHandlers>());
        services.AddControlPlaneRateLimiting(builder.Configuration);
        services.AddLoginThrottling(builder.Configuration);
        services.AddControlPlaneOpenApi();
        services.AddControlPlaneTelemetry(builder.Configuration);
        services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            foreach (var proxy in builder.Configuration.GetSection("ForwardedHeaders:KnownProxies").Get<string[]>() ?? [])
            {
                options.KnownProxies.Add(System.Net.IPAddress.Parse(proxy));
            }
        });
    }

    /// <summary>The meters /metrics exports: the project's own and ASP.NET Core's (AddAspNetCoreInstrumentation).</summary>
    private static readonly string[] ExportedMeters =
    [
        ControlPlaneMetrics.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Http.Connections",
        "Microsoft.AspNetCore.Routing", "Microsoft.AspNetCore.Diagnostics", "Microsoft.AspNetCore.RateLimiting", "Microsoft.AspNetCore.Authentication",
        "Microsoft.AspNetCore.Authorization", "Microsoft.AspNetCore.MemoryPool",
    ];

    private const string RuntimeMeter = "System.Runtime";

    private static void AddControlPlaneTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<ControlPlaneMetrics>();
        if (!DocumentGeneration.IsRunning)
        {
            services.AddHostedService<TenantCountRefresher>(); // the build-time generator has no database to count
        }

        var telemetry = services.AddOpenTelemetry();
        telemetry
            .ConfigureResource(resource => resource.AddService("controlplane"))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddMeter(ControlPlaneMetrics.MeterName)
                // The runtime's own meter (GC, allocation, thread pool, CPU): process-wide, one copy whatever the host.
                // bench/run.sh reads dotnet_gc_heap_total_allocated_bytes_total from it for the bytes allocated per request.
                .AddMeter(RuntimeMeter)
                .AddPrometheusExporter());
        // /metrics shows this host's meters only (those of its own IMeterFactory), not the same-named meters of other
        // hosts in the process. In the tests dozens of hosts share one process: each host's instruments would otherwise
        // be new streams in every host's provider, until its limit (1,000 streams) drops the instruments created last.
        services.AddMetrics(metrics =>
        {
            foreach (var meter in ExportedMeters)
            {
                metrics.DisableMetrics(meter, listenerName: "OpenTelemetry", scopes: MeterScope.Global);
            }
        });
        // Tracing costs a few percent of CPU per request: only pay for it when traces are exported.
        if (!string.IsNullOrEmpty(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            telemetry.WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation(options =>
                    options.Filter = context => !context.Request.Path.StartsWithSegments("/metrics", StringComparison.Ordinal))
                .AddOtlpExporter());
        }
    }
}
