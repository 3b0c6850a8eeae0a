using ControlPlane.Cli;

return await CliApp.RunAsync(args, CliContext.FromProcess());
