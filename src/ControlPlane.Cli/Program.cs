namespace ControlPlane.Cli;

/// <summary>The process entry point (a named class: the API's top-level Program must stay the only global one in tests).</summary>
internal static class EntryPoint
{
    public static Task<int> Main(string[] args) => CliApp.RunAsync(args, CliContext.FromProcess());
}
