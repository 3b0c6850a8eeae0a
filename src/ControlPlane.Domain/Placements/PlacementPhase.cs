namespace ControlPlane.Domain.Placements;

/// <summary>Lifecycle of a placement. Every transition is recorded with its time (billing reads them).</summary>
public enum PlacementPhase
{
    /// <summary>Admitted; capacity and quota reserved; waiting for the reconciler.</summary>
    Pending,

    /// <summary>The reconciler is writing the objects to the cluster.</summary>
    Applying,

    /// <summary>The cluster reports every desired replica ready (or the job's pods running).</summary>
    Running,

    /// <summary>
    /// The cluster reports a problem it keeps retrying (pods refused, image pull or crash loop, unschedulable, rollout
    /// stuck), with its reason as the message; or fewer than the minimum replicas are ready after having run.
    /// </summary>
    Degraded,

    /// <summary>The cluster refused it for good, or the job failed. Capacity and quota are released.</summary>
    Failed,

    /// <summary>A job completed. Capacity and quota are released.</summary>
    Succeeded,

    /// <summary>Deletion requested; the objects are being removed.</summary>
    Terminating,

    /// <summary>The cluster confirmed removal. Capacity and quota are released.</summary>
    Terminated,
}

/// <summary>Phase sets used in queries.</summary>
public static class PlacementPhases
{
    /// <summary>Phases after which a placement holds nothing and its name can be reused.</summary>
    public static readonly PlacementPhase[] Finished = [PlacementPhase.Failed, PlacementPhase.Succeeded, PlacementPhase.Terminated];
}

/// <summary>How urgent a placement is; maps to a Kubernetes PriorityClass.</summary>
public enum PlacementPriority
{
    Critical,
    High,
    Normal,
    Low,
}
