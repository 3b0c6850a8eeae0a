namespace ControlPlane.Cli.Output;

/// <summary>-o: a table for people, JSON or YAML (the API's own field names and wire values) for scripts.</summary>
public enum OutputFormat
{
    Table,
    Json,
    Yaml,
}
