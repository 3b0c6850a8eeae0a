using System.CommandLine;

namespace ControlPlane.Cli.Commands;

/// <summary>Arguments and options several commands share.</summary>
internal static class Arguments
{
    public static Argument<string> Name(string what) => new("name") { Description = $"The {what}'s name" };

    public static Option<string[]> Files() => new("--filename", "-f")
    {
        Description = "A YAML or JSON file, or a directory of them",
        Required = true,
        AllowMultipleArgumentsPerToken = false,
    };

    public static Option<TimeSpan> Timeout() => new("--timeout")
    {
        Description = "How long --wait waits (default 10 minutes)",
        DefaultValueFactory = _ => TimeSpan.FromMinutes(10),
    };
}
