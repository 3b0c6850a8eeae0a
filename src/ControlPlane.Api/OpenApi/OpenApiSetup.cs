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
            options.AddSchemaTransformer<ExactDecimalTransformer>();
            options.AddSchemaTransformer<EnumValuesTransformer>();
            options.AddSchemaTransformer<ProblemExtensionsTransformer>();
        });

    private const string UiPath = "/swagger";

    /// <summary>
    /// Swagger UI at /swagger: an operator authorizes with a client id and secret (client-credentials flow). Only requests
    /// under /swagger enter its middleware, which otherwise matches two regular expressions and its static files against
    /// every GET of the API.
    /// </summary>
    public static WebApplication UseControlPlaneSwaggerUi(this WebApplication app)
    {
        app.UseWhen(context => context.Request.Path.StartsWithSegments(UiPath, StringComparison.OrdinalIgnoreCase), branch => branch.UseSwaggerUI(ui =>
        {
            ui.RoutePrefix = UiPath[1..];
            ui.DocumentTitle = "ControlPlane API";
            ui.SwaggerEndpoint($"/openapi/{DocumentName}.json", "ControlPlane v1");
            ui.EnablePersistAuthorization();
            ui.DisplayRequestDuration();
        }));
        return app;
    }
}
