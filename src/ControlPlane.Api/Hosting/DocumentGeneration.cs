using System.Reflection;

namespace ControlPlane.Api.Hosting;

/// <summary>
/// The build-time OpenAPI generator runs this program (entry assembly GetDocument.Insider) without a database:
/// it must neither migrate nor require a connection string.
/// </summary>
internal static class DocumentGeneration
{
    public static bool IsRunning { get; } = Assembly.GetEntryAssembly()?.GetName().Name == "GetDocument.Insider";

    public static void SupplyPlaceholderConfiguration(ConfigurationManager configuration)
    {
        if (IsRunning)
        {
            configuration["ConnectionStrings:ControlPlane"] = "Host=127.0.0.1;Database=openapi-generation-only";
            configuration["Identity:PersistGeneratedKeys"] = "true";
            configuration["Identity:Issuer"] = "https://openapi-generation.invalid/";
            configuration["Identity:FollowRevocations"] = "false";
            configuration["CredentialEncryption:Keys:generation"] = Convert.ToBase64String(new byte[32]);
            configuration["Reconciler:Enabled"] = "false";
            configuration["Metering:Enabled"] = "false";
            configuration["Slos:Enabled"] = "false";
            configuration["Rollouts:Enabled"] = "false";
            configuration["Idempotency:PruneExpired"] = "false";
            configuration["Rollouts:ExportPhases"] = "false";
            configuration["ObjectStore:ServiceUrl"] = "http://127.0.0.1:9";
            // The generator starts the host briefly; its background services' connection warnings are only build noise.
            configuration["Serilog:MinimumLevel:Default"] = "Error";
        }
    }
}
