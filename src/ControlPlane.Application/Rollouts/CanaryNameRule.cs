using ControlPlane.Application.Abstractions;
using ControlPlane.Application.Common;
using ControlPlane.Application.Placements;
using ControlPlane.Domain.Common;
using ControlPlane.Domain.Placements;
using ControlPlane.Domain.Rollouts;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Application.Rollouts;

/// <summary>
/// The one rule for the name a canary takes: x's canary Deployment and Service are <c>x-canary</c> (<see cref="Rollout.CanaryName"/>)
/// in the tenant's namespace, where placements are named too, so a live placement named x-canary and an active rollout
/// of x must never coexist. Both sides check with x's row locked — the rollout start holds it already, admission takes
/// it before any quota lock (the same order, so the two cannot deadlock) — so whichever commits second sees the first.
/// Both refuse with the same problem type.
/// </summary>
public sealed class CanaryNameRule(IControlPlaneDb db, IPlacementLocks locks)
{
    public const string ProblemType = "canary-name-taken";

    /// <summary>For a rollout start of <paramref name="placement"/> (locked by the caller): its canary's name must be free and valid.</summary>
    public async Task EnsureCanaryNameFreeAsync(Placement placement, CancellationToken cancellationToken)
    {
        var canaryName = Rollout.CanaryName(placement.Name);
        if (canaryName.Length > ResourceName.MaxLength
            || await db.Placements.AnyAsync(p => p.TenantId == placement.TenantId && p.Name == canaryName && !PlacementPhases.Finished.Contains(p.Phase),
                cancellationToken))
        {
            throw new ConflictException(ProblemType,
                $"The canary of '{placement.Name}' would be named '{canaryName}', which is too long or the name of another placement.",
                new Dictionary<string, object?> { ["canary"] = canaryName });
        }
    }

    /// <summary>For the admission of a placement named <paramref name="name"/>: refused while it is the name of an active rollout's canary.</summary>
    public async Task EnsureNotAnActiveCanaryAsync(Guid tenantId, string name, CancellationToken cancellationToken)
    {
        if (Rollout.CanaryOf(name) is not { } owner || await locks.LockLiveAsync(tenantId, owner, cancellationToken) is not { } placement)
        {
            return;
        }

        if (await db.Rollouts.AnyAsync(r => r.PlacementId == placement.Id && RolloutPhases.Active.Contains(r.Phase), cancellationToken))
        {
            throw new ConflictException(ProblemType,
                $"'{name}' is the name of the canary of placement '{owner}', whose rollout is in progress; choose another name or wait until the rollout ends.",
                new Dictionary<string, object?> { ["canary"] = name });
        }
    }
}
