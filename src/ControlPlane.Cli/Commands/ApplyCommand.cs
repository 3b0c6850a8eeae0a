using System.CommandLine;
using ControlPlane.Cli.Documents;
using ControlPlane.Client;

namespace ControlPlane.Cli.Commands;

/// <summary>
/// `controlplane apply -f FILE|DIR [--dry-run] [--wait]`: each document is created, or updated with If-Match taken
/// from a fresh GET (so a concurrent change is a 412, never overwritten). Creates carry an Idempotency-Key derived from
/// the document, so re-running a pipeline step is safe (a Rollout document starts its rollout once). --dry-run previews
/// placements and says what would change.
/// </summary>
internal static class ApplyCommand
{
    public static Command Create(CliContext context)
    {
        var files = Arguments.Files();
        var dryRun = new Option<bool>("--dry-run") { Description = "Change nothing: preview placements, say what would be created or updated" };
        var wait = new Option<bool>("--wait") { Description = "Wait until each placement runs and each rollout is promoted (failed, rolled back or aborted: exit 7)" };
        var timeout = Arguments.Timeout();
        var command = new Command("apply", "Create or update the resources of Placement, Model, Alias, Slo, Rollout and Budget documents")
        {
            files, dryRun, wait, timeout,
        };
        command.Handle(context, async (parse, session, ct) =>
        {
            var documents = DocumentReader.Read(parse.GetValue(files)!);
            var exit = ExitCodes.Ok;
            foreach (var document in documents)
            {
                var tenant = document.Tenant ?? await session.TenantAsync(ct);
                if (parse.GetValue(dryRun))
                {
                    exit = Math.Max(exit, await DryRunAsync(session, tenant, document, ct));
                    continue;
                }

                if (document.Kind == ResourceDocument.RolloutKind)
                {
                    var rollout = await RolloutStarter.StartAsync(session, tenant, document, ct);
                    if (parse.GetValue(wait))
                    {
                        await RolloutStarter.WaitAsync(session, tenant, document.Name, rollout.Id, parse.GetValue(timeout), ct);
                    }

                    continue;
                }

                var outcome = await ApplyAsync(session, tenant, document, ct);
                session.Printer.Line($"{document.Kind.ToLowerInvariant()}/{document.Name} {outcome}");
                if (parse.GetValue(wait) && document.Kind == "Placement")
                {
                    await PlacementWaiter.WaitAsync(session, tenant, document.Name, parse.GetValue(timeout), ct);
                }
            }

            return exit;
        });
        return command;
    }

    private static Task<string> ApplyAsync(Session session, string tenant, ResourceDocument document, CancellationToken ct) => document.Kind switch
    {
        "Placement" => ApplyPlacementAsync(session.Client, tenant, document, ct),
        "Model" => ApplyModelAsync(session.Client, tenant, document, ct),
        "Alias" => ApplyAliasAsync(session.Client, tenant, document, ct),
        "Slo" => ApplySloAsync(session.Client, tenant, document, ct),
        "Budget" => ApplyBudgetAsync(session.Client, tenant, document, ct),
        _ => throw Unsupported(document),
    };

    private static async Task<string> ApplyPlacementAsync(ControlPlaneClient client, string tenant, ResourceDocument document, CancellationToken ct)
    {
        var request = document.SpecAs<CreatePlacementRequest>();
        request.Name = document.Name;
        if (await ETagOrNullAsync(() => client.GetPlacementAsync(tenant, document.Name, ct)) is not { } etag)
        {
            await client.CreatePlacementAsync(tenant, document.IdempotencyKey(tenant), request, ct);
            return "created";
        }

        // Only the replica bounds of a placement change in place; anything else is a new placement.
        await client.UpdatePlacementAsync(tenant, document.Name, etag, new UpdatePlacementRequest { Replicas = request.Replicas }, ct);
        return "configured";
    }

    private static async Task<string> ApplyModelAsync(ControlPlaneClient client, string tenant, ResourceDocument document, CancellationToken ct)
    {
        var request = document.SpecAs<UpdateModelRequest>();
        if (await ETagOrNullAsync(() => client.GetModelAsync(tenant, document.Name, ct)) is not { } etag)
        {
            await client.CreateModelAsync(tenant, document.IdempotencyKey(tenant),
                new CreateModelRequest { Name = document.Name, Description = request.Description, Task = request.Task, Labels = request.Labels }, ct);
            return "created";
        }

        await client.UpdateModelAsync(tenant, document.Name, etag, request, ct);
        return "configured";
    }

    /// <summary>metadata.name is the alias; spec: {model, version}.</summary>
    private static async Task<string> ApplyAliasAsync(ControlPlaneClient client, string tenant, ResourceDocument document, CancellationToken ct)
    {
        var model = document.Spec["model"]?.ToString() ?? throw new UsageException($"{document.Source}: Alias {document.Name}: spec.model is missing.");
        document.Spec.Remove("model");
        var request = document.SpecAs<SetAliasRequest>();
        var etag = await ETagOrNullAsync(() => client.GetModelAliasAsync(tenant, model, document.Name, ct));
        await client.SetModelAliasAsync(tenant, model, document.Name, etag, request, ct);
        return etag is null ? "created" : "configured";
    }

    private static async Task<string> ApplySloAsync(ControlPlaneClient client, string tenant, ResourceDocument document, CancellationToken ct)
    {
        var request = document.SpecAs<PutSloRequest>();
        var etag = await ETagOrNullAsync(() => client.GetSloAsync(tenant, document.Name, null, ct));
        await client.PutSloAsync(tenant, document.Name, etag, request, ct);
        return etag is null ? "created" : "configured";
    }

    /// <summary>A tenant has one budget; metadata.name only labels the document.</summary>
    private static async Task<string> ApplyBudgetAsync(ControlPlaneClient client, string tenant, ResourceDocument document, CancellationToken ct)
    {
        var request = document.SpecAs<PutBudgetRequest>();
        var etag = await ETagOrNullAsync(() => client.GetBudgetAsync(tenant, ct));
        await client.PutBudgetAsync(tenant, etag, request, ct);
        return etag is null ? "created" : "configured";
    }

    private static async Task<int> DryRunAsync(Session session, string tenant, ResourceDocument document, CancellationToken ct)
    {
        switch (document.Kind)
        {
            case "Placement":
                return await PlacementsCommands.PreviewAsync(session, document, ct);
            case ResourceDocument.RolloutKind:
                return await RolloutStarter.DryRunAsync(session, tenant, document, ct);
        }

        var client = session.Client;
        var etag = document.Kind switch
        {
            "Model" => await ETagOrNullAsync(() => client.GetModelAsync(tenant, document.Name, ct)),
            "Alias" => await ETagOrNullAsync(() => client.GetModelAliasAsync(tenant, document.Spec["model"]?.ToString() ?? "", document.Name, ct)),
            "Slo" => await ETagOrNullAsync(() => client.GetSloAsync(tenant, document.Name, null, ct)),
            "Budget" => await ETagOrNullAsync(() => client.GetBudgetAsync(tenant, ct)),
            _ => throw Unsupported(document),
        };
        session.Printer.Line($"{document.Kind.ToLowerInvariant()}/{document.Name} would be {(etag is null ? "created" : "configured")} (dry run)");
        return ExitCodes.Ok;
    }

    /// <summary>The current ETag for If-Match, or null when the resource does not exist yet.</summary>
    private static async Task<string?> ETagOrNullAsync<TResponse>(Func<Task<TResponse>> get)
        where TResponse : SwaggerResponse
    {
        try
        {
            var response = await get();
            return response.Headers.TryGetValue("ETag", out var values) ? values.FirstOrDefault() : null;
        }
        catch (ApiException notFound) when (notFound.StatusCode == 404)
        {
            return null;
        }
    }

    private static UsageException Unsupported(ResourceDocument document) =>
        new($"{document.Source}: kind '{document.Kind}' is not one of Placement, Model, Alias, Slo, Rollout, Budget.");
}
