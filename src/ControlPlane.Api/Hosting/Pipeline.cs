using ControlPlane.Api.Endpoints;
using ControlPlane.Api.Http;
using ControlPlane.Api.Identity;
using ControlPlane.Api.OpenApi;
using ControlPlane.Infrastructure.Identity;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Serilog;

namespace ControlPlane.Api.Hosting;

internal static class Pipeline
{
    public static void UseControlPlanePipeline(this WebApplication app)
    {
        if (app.Configuration.GetSection("ForwardedHeaders:KnownProxies").Exists())
        {
            app.UseForwardedHeaders();
        }

        app.UseRequestIdHeader();
        app.UseRateLimitHeaders();
        app.UseSerilogRequestLogging(options =>
        {
            // This host's logger, not the static Log.Logger, which belongs to whichever host was built last.
            options.Logger = app.Services.GetRequiredService<Serilog.ILogger>();
            options.EnrichDiagnosticContext = (diagnostics, context) => diagnostics.Set("RequestId", RequestIds.Of(context));
        });
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseHttpsRequirement();
        app.UseControlPlaneSwaggerUi(); // static UI files: before authorization, the operator authorizes inside the UI
        app.UseLoginThrottling();
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
        app.UseIdempotencyBuffering();
    }

    public static void MapControlPlaneEndpoints(this WebApplication app)
    {
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") }).AllowAnonymous();
        app.MapPrometheusScrapingEndpoint("/metrics").AllowAnonymous();
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        app.MapTokenEndpoint();

        var v1 = app.MapGroup("/v1").AddEndpointFilter(TenantAccess.Filter).RefuseMalformedInput().DeclareCommonRefusals();
        v1.MapTenantsApi();
        v1.MapQuotasApi();
        v1.MapServiceAccountsApi();
        v1.MapWorkloadIdentityBindingsApi();
        v1.MapAuditEventsApi();
        v1.MapClustersApi();
        v1.MapNodePoolsApi();
        v1.MapPlacementsApi();
        v1.MapModelsApi();
        v1.MapBillingApi();
        v1.MapSlosApi();
        v1.MapRolloutsApi();
    }

    /// <summary>
    /// Outside development the API answers only over HTTPS (directly, or as a trusted proxy's X-Forwarded-Proto says);
    /// probes and metrics stay reachable over plain HTTP inside the cluster.
    /// </summary>
    private static void UseHttpsRequirement(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<IdentityOptions>>().Value.AllowInsecureHttp)
        {
            return;
        }

        app.Use(async (context, next) =>
        {
            var path = context.Request.Path;
            if (context.Request.IsHttps || path.StartsWithSegments("/healthz", StringComparison.Ordinal)
                || path.StartsWithSegments("/readyz", StringComparison.Ordinal) || path.StartsWithSegments("/metrics", StringComparison.Ordinal))
            {
                await next(context);
                return;
            }

            await Problems.WriteAsync(context, Problems.Create(400, ProblemTypes.HttpsRequired, "HTTPS is required.",
                "Call this API over HTTPS (or through a trusted proxy that sets X-Forwarded-Proto: https)."));
        });
    }
}
