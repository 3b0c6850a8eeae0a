using System.CommandLine;
using ControlPlane.Cli.Output;
using ControlPlane.Client;

namespace ControlPlane.Cli.Commands;

/// <summary>`controlplane models list|get|delete|versions|push|alias set|alias get`.</summary>
internal static class ModelsCommands
{
    private static readonly Column<ModelResponse>[] Columns =
    [
        new("NAME", m => m.Name),
        new("TASK", m => m.Task),
        new("LATEST VERSION", m => m.LatestVersion),
        new("DESCRIPTION", m => m.Description),
        new("UPDATED", m => m.UpdatedAt),
    ];

    internal static readonly Column<ModelVersionResponse>[] VersionColumns =
    [
        new("VERSION", v => v.Version),
        new("STATE", v => WireJson.WireName(v.State)),
        new("DIGEST", v => v.Digest),
        new("SIZE", v => v.SizeBytes),
        new("FORMAT", v => WireJson.WireName(v.Format)),
        new("CREATED", v => v.CreatedAt),
    ];

    private static readonly Column<AliasResponse>[] AliasColumns =
    [
        new("MODEL", a => a.Model),
        new("ALIAS", a => a.Alias),
        new("VERSION", a => a.Version),
        new("DIGEST", a => a.Digest),
    ];

    public static Command Create(CliContext context)
    {
        var command = new Command("models", "The model registry: models, versions, aliases");

        var list = new Command("list", "List the tenant's models");
        list.Handle(context, async (_, session, ct) =>
        {
            var tenant = await session.TenantAsync(ct);
            session.Printer.Many(await Paging.AllAsync(async token =>
            {
                var page = (await session.Client.ListModelsAsync(tenant, Paging.PageSize, token, ct)).Result;
                return (page.Items, page.NextPageToken);
            }), Columns);
            return ExitCodes.Ok;
        });

        var name = Arguments.Name("model");
        var get = new Command("get", "Show a model") { name };
        get.Handle(context, async (parse, session, ct) =>
        {
            session.Printer.One((await session.Client.GetModelAsync(await session.TenantAsync(ct), parse.GetValue(name)!, ct)).Result, Columns);
            return ExitCodes.Ok;
        });

        var deleteName = Arguments.Name("model");
        var delete = new Command("delete", "Delete a model") { deleteName };
        delete.Handle(context, async (parse, session, ct) =>
        {
            await session.Client.DeleteModelAsync(await session.TenantAsync(ct), parse.GetValue(deleteName)!, null, ct);
            session.Printer.Line($"model/{parse.GetValue(deleteName)} deleted");
            return ExitCodes.Ok;
        });

        var versionsOf = Arguments.Name("model");
        var versions = new Command("versions", "List a model's versions") { versionsOf };
        versions.Handle(context, async (parse, session, ct) =>
        {
            var tenant = await session.TenantAsync(ct);
            session.Printer.Many(await Paging.AllAsync(async token =>
            {
                var page = (await session.Client.ListModelVersionsAsync(tenant, parse.GetValue(versionsOf)!, Paging.PageSize, token, ct)).Result;
                return (page.Items, page.NextPageToken);
            }), VersionColumns);
            return ExitCodes.Ok;
        });

        command.Subcommands.Add(list);
        command.Subcommands.Add(get);
        command.Subcommands.Add(delete);
        command.Subcommands.Add(versions);
        command.Subcommands.Add(ModelsPushCommand.Create(context));
        command.Subcommands.Add(CreateAlias(context));
        return command;
    }

    private static Command CreateAlias(CliContext context)
    {
        var alias = new Command("alias", "Aliases: the only mutable pointers to versions");
        var model = new Argument<string>("model") { Description = "The model" };
        var name = new Argument<string>("alias") { Description = "The alias (production, staging, …)" };
        var version = new Argument<int>("version") { Description = "The version number it points to" };
        var set = new Command("set", "Point an alias at a version") { model, name, version };
        set.Handle(context, async (parse, session, ct) =>
        {
            var tenant = await session.TenantAsync(ct);
            var answer = await session.Client.SetModelAliasAsync(tenant, parse.GetValue(model)!, parse.GetValue(name)!, null,
                new SetAliasRequest { Version = parse.GetValue(version) }, ct);
            session.Printer.One(answer.Result, AliasColumns);
            return ExitCodes.Ok;
        });

        var getModel = new Argument<string>("model") { Description = "The model" };
        var getName = new Argument<string>("alias") { Description = "The alias" };
        var get = new Command("get", "Show what an alias points at") { getModel, getName };
        get.Handle(context, async (parse, session, ct) =>
        {
            session.Printer.One((await session.Client.GetModelAliasAsync(await session.TenantAsync(ct), parse.GetValue(getModel)!, parse.GetValue(getName)!, ct)).Result,
                AliasColumns);
            return ExitCodes.Ok;
        });

        alias.Subcommands.Add(set);
        alias.Subcommands.Add(get);
        return alias;
    }
}
