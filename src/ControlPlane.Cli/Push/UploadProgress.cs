using Spectre.Console;

namespace ControlPlane.Cli.Push;

/// <summary>
/// The upload progress bars (one per file, with speed and time left) on stderr — only on a terminal and not with
/// `-o json`: a CI log or a pipe gets the summary lines alone, never redraws.
/// </summary>
internal static class UploadProgress
{
    public static bool Shown(CliContext context, Output.OutputFormat format) =>
        format != Output.OutputFormat.Json && ReferenceEquals(context.Error, Console.Error) && !Console.IsErrorRedirected;

    /// <summary>
    /// Runs <paramref name="upload"/>, which reports (path, bytes) as they go out (negative when an attempt failed);
    /// each file's bar is as long as the bytes its plan sends (a resumed file: only its missing parts).
    /// </summary>
    public static async Task RunAsync(bool shown, IReadOnlyList<(string Path, long Bytes)> files, Func<Action<string, long>, Task> upload)
    {
        if (!shown)
        {
            await upload((_, _) => { });
            return;
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        await console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
            .StartAsync(async progress =>
            {
                var bars = files.ToDictionary(f => f.Path, f => progress.AddTask(Markup.Escape(f.Path), maxValue: Math.Max(1, f.Bytes)), StringComparer.Ordinal);
                await upload((path, bytes) => bars[path].Increment(bytes));
            });
    }
}
