namespace ControlPlane.Api.OpenApi;

internal static class OpenApiSetup
{
    public const string DocumentName = "v1";

    public static IServiceCollection AddControlPlaneOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(DocumentName, options =>
        {
            options.AddDocumentTransformer<DocumentInfoTransformer>();
            options.AddDocumentTransformer<ClientCredentialsSecurityTransformer>();
            options.AddDocumentTransformer<ProblemComponents>();
            options.AddOperationTransformer<ProtocolHeadersTransformer>();
            options.AddOperationTransformer<RequestExamples>();
            options.AddSchemaTransformer<SchemaDescriptionTransformer>();
            options.AddSchemaTransformer<WireBoundsTransformer>();
            options.AddSchemaTransformer<ProblemExtensionsTransformer>();
        });

    /// <summary>Swagger UI at /swagger: an operator authorizes with a client id and secret (client-credentials flow).</summary>
    public static WebApplication UseControlPlaneSwaggerUi(this WebApplication app)
    {
        app.UseSwaggerUI(ui =>
        {
            ui.RoutePrefix = "swagger";
            ui.DocumentTitle = "ControlPlane API";
            ui.SwaggerEndpoint($"/openapi/{DocumentName}.json", "ControlPlane v1");
            ui.EnablePersistAuthorization();
            ui.DisplayRequestDuration();
        });
        return app;
    }
}
