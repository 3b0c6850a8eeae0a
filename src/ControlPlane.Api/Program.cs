using ControlPlane.Api.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddControlPlaneLogging();
builder.AddControlPlaneServices();

var app = builder.Build();
if (args.Contains("migrate"))
{
    await app.MigrateAndExitAsync();
    return;
}

await app.PrepareDatabaseAsync();
app.UseControlPlanePipeline();
app.MapControlPlaneEndpoints();
app.Run();
