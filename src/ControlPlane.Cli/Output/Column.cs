namespace ControlPlane.Cli.Output;

/// <summary>A table column: its header and how a row's cell is read.</summary>
internal sealed record Column<T>(string Header, Func<T, object?> Cell);
