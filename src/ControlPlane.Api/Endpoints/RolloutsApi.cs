using ControlPlane.Api.Http;
using ControlPlane.Application.Common;
using ControlPlane.Application.Rollouts;
using ControlPlane.Domain.ServiceAccounts;

namespace ControlPlane.Api.Endpoints;

internal static class RolloutsApi
{
    public static void MapRolloutsApi(this RouteGroupBuilder v1)
    {
        var rollouts = v1.MapGroup("/tenants/{tenant}/placements/{placement}/rollouts").WithTags("Rollouts");

        rollouts.MapPost("/", Start).WithIdempotency().AllowTenantRole(ServiceAccountRole.Developer)
            .WithName("StartRollout").WithSummary("Start a progressive rollout")
            .WithDescription("Developers and above. A new model version (number or alias, resolved to a digest now) and/or image reaches the "
                + "placement through a canary Deployment (<placement>-canary) whose replicas are admitted like a rescale: canary steps shift "
                + "traffic by HTTPRoute weights, a shadow mirrors a share of requests. Every interval the gates compare canary and stable; "
                + "the last passed step promotes, failed runs beyond failureLimit roll back. 409 while another rollout is active, while an SLO "
                + "of the placement has rollouts frozen (budget exhausted), or when quota, capacity or budget cannot take the canary.");
        rollouts.MapGet("/", List).AllowTenantRole(ServiceAccountRole.Viewer)
            .WithName("ListRollouts").WithSummary("List a placement's rollouts").WithDescription("Oldest first; cursor-paginated.");
        rollouts.MapGet("/{rollout}", Get).AllowTenantRole(ServiceAccountRole.Viewer)
            .WithName("GetRollout").WithSummary("Get a rollout and its analysis")
            .WithDescription("Phase, step, weight and every analysis run with each gate's canary and stable measurement, limit and verdict.");
        rollouts.MapPost("/{rollout}:promote", Promote).AllowTenantRole(ServiceAccountRole.Developer)
            .WithName("PromoteRollout").WithSummary("Promote now")
            .WithDescription("Developers and above. Skips the remaining steps: the stable Deployment takes the new version, the canary is removed.");
        rollouts.MapPost("/{rollout}:abort", Abort).AllowTenantRole(ServiceAccountRole.Developer)
            .WithName("AbortRollout").WithSummary("Abort (roll back now)")
            .WithDescription("Developers and above. All traffic returns to the stable variant and the canary is removed; its capacity is released.");
        rollouts.MapPost("/{rollout}:pause", Pause).AllowTenantRole(ServiceAccountRole.Developer)
            .WithName("PauseRollout").WithSummary("Pause").WithDescription("Developers and above. Holds the current weight; no analysis, no step.");
        rollouts.MapPost("/{rollout}:resume", Resume).AllowTenantRole(ServiceAccountRole.Developer)
            .WithName("ResumeRollout").WithSummary("Resume")
            .WithDescription("Developers and above. The current step's pause starts again and must pass analysis before the next step.");
    }

    private static async Task<CreatedAt<RolloutResponse>> Start(string tenant, string placement, StartRolloutRequest request, RolloutService rollouts,
        CancellationToken cancellationToken)
    {
        var started = await rollouts.StartAsync(tenant, placement, request, cancellationToken);
        return new(started, $"/v1/tenants/{tenant}/placements/{placement}/rollouts/{started.Id}");
    }

    private static async Task<Ok<Page<RolloutResponse>>> List(string tenant, string placement, RolloutService rollouts, CancellationToken cancellationToken,
        int? pageSize = null, string? pageToken = null) =>
        TypedResults.Ok(await rollouts.ListAsync(tenant, placement, PageRequest.From(pageSize, pageToken), cancellationToken));

    private static async Task<Ok<RolloutResponse>> Get(string tenant, string placement, string rollout, RolloutService rollouts,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(await rollouts.GetAsync(tenant, placement, rollout, cancellationToken));

    private static async Task<Ok<RolloutResponse>> Promote(string tenant, string placement, string rollout, RolloutService rollouts,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(await rollouts.PromoteAsync(tenant, placement, rollout, cancellationToken));

    private static async Task<Ok<RolloutResponse>> Abort(string tenant, string placement, string rollout, RolloutService rollouts,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(await rollouts.AbortAsync(tenant, placement, rollout, cancellationToken));

    private static async Task<Ok<RolloutResponse>> Pause(string tenant, string placement, string rollout, RolloutService rollouts,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(await rollouts.PauseAsync(tenant, placement, rollout, cancellationToken));

    private static async Task<Ok<RolloutResponse>> Resume(string tenant, string placement, string rollout, RolloutService rollouts,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(await rollouts.ResumeAsync(tenant, placement, rollout, cancellationToken));
}
