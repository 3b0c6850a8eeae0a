namespace ControlPlane.Infrastructure.Persistence;

/// <summary>Configuration section "Database".</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";
    public const string ConnectionStringName = "ControlPlane";
    public const string MigrationsAssembly = "ControlPlane.Migrations";

    /// <summary>Apply pending migrations when the service starts (otherwise run the `migrate` command).</summary>
    public bool MigrateOnStartup { get; set; }
}
