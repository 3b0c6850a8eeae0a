using ControlPlane.Domain.Placements;
using ControlPlane.Domain.Scheduling;

namespace ControlPlane.Application.Placements;

/// <summary>Asks for GPU capacity for a workload.</summary>
/// <param name="Name">DNS-1123 label, unique among the tenant's live placements; also the Kubernetes object name.</param>
/// <param name="Kind">inference (Deployment + Service), training or batch (Job).</param>
/// <param name="Image">Container image.</param>
/// <param name="Command">Container entrypoint override.</param>
/// <param name="Args">Container arguments.</param>
/// <param name="Env">Environment variables.</param>
/// <param name="Replicas">Replica bounds; quota and capacity are reserved for the maximum.</param>
/// <param name="Resources">GPUs per replica (model + count, or a MIG profile), plus cpu and memory.</param>
/// <param name="Priority">critical, high, normal (default) or low.</param>
/// <param name="Interruptible">May run on spot capacity.</param>
/// <param name="Regions">Regions allowed for this placement (within the tenant's allowed regions).</param>
/// <param name="Model">For inference: the model version to serve, by number or alias (resolved to a digest at admission).</param>
/// <param name="Autoscaling">
/// For inference with min below max: what the HorizontalPodAutoscaler scales on — {"metric": "cpu-utilization",
/// "targetCpuUtilizationPercent": 70} (the default), or a Prometheus-adapter per-pod metric such as queue length or in-flight
/// requests: {"metric": "pods-metric", "metricName": "inference_queue_length", "targetAverageValue": "10"}.
/// </param>
public sealed record CreatePlacementRequest(string Name, PlacementKind? Kind, string Image, IReadOnlyList<string>? Command = null,
    IReadOnlyList<string>? Args = null, IReadOnlyDictionary<string, string>? Env = null, ReplicaBounds? Replicas = null,
    PlacementResources? Resources = null, PlacementPriority? Priority = null, bool Interruptible = false, IReadOnlyList<string>? Regions = null,
    PlacementModelReference? Model = null, PlacementAutoscaling? Autoscaling = null);

/// <summary>A model version of the tenant: give the version number or an alias.</summary>
/// <param name="Name">The model's name.</param>
/// <param name="Version">A version number.</param>
/// <param name="Alias">An alias (e.g. production), resolved at admission; later alias moves do not change the placement.</param>
public sealed record PlacementModelReference(string Name, int? Version = null, string? Alias = null);

/// <summary>The model version a placement serves.</summary>
/// <param name="Name">The model's name.</param>
/// <param name="Version">The version number.</param>
/// <param name="Digest">The version's digest: what the pods pull.</param>
public sealed record PlacementModelResponse(string Name, int Version, string Digest);

/// <summary>Replica bounds.</summary>
/// <param name="Min">Replicas always running (1 or more).</param>
/// <param name="Max">
/// Upper bound for autoscaling (≥ min; defaults to min). Quota and pool capacity are reserved for max, so every scale-up
/// is guaranteed; billing counts only ready replicas. Inference with min below max gets a HorizontalPodAutoscaler.
/// </param>
public sealed record ReplicaBounds(int Min, int? Max = null);

/// <summary>What one replica needs: whole GPUs of a model, or one MIG slice of a profile.</summary>
/// <param name="GpuModel">GPU model (h100, a100, …) for whole GPUs.</param>
/// <param name="GpusPerReplica">Whole GPUs per replica (1–16).</param>
/// <param name="MigProfile">A MIG profile (e.g. 1g.10gb) instead of whole GPUs: one slice per replica.</param>
/// <param name="Cpu">CPU request and limit (Kubernetes quantity, e.g. "8").</param>
/// <param name="Memory">Memory request and limit (Kubernetes quantity, e.g. "64Gi").</param>
public sealed record PlacementResources(string? GpuModel = null, int? GpusPerReplica = null, string? MigProfile = null,
    string? Cpu = null, string? Memory = null);

/// <summary>Changes a placement's replica bounds; only the difference is admitted again.</summary>
/// <param name="Replicas">New bounds.</param>
public sealed record UpdatePlacementRequest(ReplicaBounds? Replicas);

/// <summary>A placement: what was asked (spec) and what the system did and sees (status).</summary>
/// <param name="Id">Stable identifier.</param>
/// <param name="Tenant">Owning tenant.</param>
/// <param name="Name">Name (DNS-1123 label).</param>
/// <param name="Spec">What the tenant asked for.</param>
/// <param name="Status">Where it runs, why there, and what the cluster reports.</param>
/// <param name="CreatedAt">Admission time (UTC).</param>
/// <param name="UpdatedAt">Last change (UTC).</param>
/// <param name="ActiveRollout">The rollout in progress on it (GET …/rollouts/{id} for its analysis), or null.</param>
public sealed record PlacementResponse(Guid Id, string Tenant, string Name, PlacementSpecResponse Spec, PlacementStatusResponse Status,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, ActiveRolloutSummary? ActiveRollout = null);

/// <summary>A placement's rollout in progress.</summary>
/// <param name="Id">The rollout's number on this placement.</param>
/// <param name="Phase">progressing or paused.</param>
/// <param name="Step">Current step (0-based).</param>
/// <param name="Weight">Percent of user traffic on the canary now.</param>
public sealed record ActiveRolloutSummary(int Id, Domain.Rollouts.RolloutPhase Phase, int Step, int Weight);

/// <summary>The spec of a placement.</summary>
/// <param name="Kind">inference, training or batch.</param>
/// <param name="Image">Container image.</param>
/// <param name="Command">Entrypoint override.</param>
/// <param name="Args">Arguments.</param>
/// <param name="Env">Environment variables.</param>
/// <param name="Replicas">Replica bounds.</param>
/// <param name="Resources">Per-replica resources.</param>
/// <param name="Priority">Priority.</param>
/// <param name="Interruptible">May run on spot.</param>
/// <param name="Regions">Allowed regions.</param>
/// <param name="Model">The model version served, if any.</param>
/// <param name="Autoscaling">What the autoscaler scales on, when asked for (inference with min below max uses CPU utilisation otherwise).</param>
public sealed record PlacementSpecResponse(PlacementKind Kind, string Image, IReadOnlyList<string> Command, IReadOnlyList<string> Args,
    IReadOnlyDictionary<string, string> Env, ReplicaBounds Replicas, PlacementResources Resources, PlacementPriority Priority,
    bool Interruptible, IReadOnlyList<string> Regions, PlacementModelResponse? Model, PlacementAutoscaling? Autoscaling);

/// <summary>The status of a placement.</summary>
/// <param name="Phase">pending, applying, running, degraded, failed, succeeded, terminating or terminated.</param>
/// <param name="Cluster">The cluster chosen.</param>
/// <param name="NodePool">The node pool chosen.</param>
/// <param name="RuntimeClass">The sandbox runtime class (strong isolation), as the cluster names it, if any.</param>
/// <param name="HourlyPrice">Price per hour of the reserved GPUs at admission.</param>
/// <param name="ReadyReplicas">Replicas the cluster reports ready.</param>
/// <param name="Message">The latest reason or error.</param>
/// <param name="Decision">The scheduling decision: every pool with its verdict.</param>
/// <param name="Transitions">Every phase change with its time.</param>
public sealed record PlacementStatusResponse(PlacementPhase Phase, string Cluster, string NodePool, string? RuntimeClass,
    decimal HourlyPrice, int ReadyReplicas, string? Message, SchedulingDecisionView Decision, IReadOnlyList<PhaseTransitionResponse> Transitions);

/// <summary>One phase change.</summary>
/// <param name="Phase">The phase entered.</param>
/// <param name="At">When (UTC).</param>
/// <param name="Message">Why, when known.</param>
public sealed record PhaseTransitionResponse(PlacementPhase Phase, DateTimeOffset At, string? Message);

/// <summary>An explainable scheduling decision.</summary>
/// <param name="Outcome">scheduled, not-admissible-now or impossible.</param>
/// <param name="Cluster">Chosen cluster, when scheduled.</param>
/// <param name="NodePool">Chosen node pool, when scheduled.</param>
/// <param name="RuntimeClass">Chosen sandbox runtime, if any.</param>
/// <param name="HourlyPrice">Hourly price of the request on the chosen pool.</param>
/// <param name="Candidates">Every pool considered, with its verdict (accepted first, by rank).</param>
/// <param name="OmittedCandidates">Rejected pools left out of this list to bound its size.</param>
public sealed record SchedulingDecisionView(SchedulingOutcome Outcome, string? Cluster, string? NodePool, string? RuntimeClass,
    decimal? HourlyPrice, IReadOnlyList<CandidateView> Candidates, int OmittedCandidates);

/// <summary>One pool's verdict.</summary>
/// <param name="Cluster">Cluster name.</param>
/// <param name="NodePool">Node pool name.</param>
/// <param name="Accepted">Whether the pool could take the request.</param>
/// <param name="ReasonCode">Why not, machine-readable (e.g. gpu-model-mismatch, insufficient-capacity).</param>
/// <param name="Reason">Why (not), in a sentence with the numbers.</param>
/// <param name="HourlyPrice">Hourly price of the request on this pool, when accepted.</param>
public sealed record CandidateView(string Cluster, string NodePool, bool Accepted, RejectionCode? ReasonCode, string Reason, decimal? HourlyPrice);

/// <summary>The answer of a preview: would this placement be admitted now, where, and why.</summary>
/// <param name="Admissible">True when a create now would succeed.</param>
/// <param name="Quota">Each quota the request counts against, with what it would need.</param>
/// <param name="Decision">The scheduling decision.</param>
/// <param name="Spend">
/// The money check on the chosen pool: month-to-date spend + the placement's estimated cost against a hard-capped budget
/// and the monthly spend / GPU-hour quotas; null when the tenant has none of them (or nothing was scheduled).
/// </param>
public sealed record PlacementPreviewResponse(bool Admissible, IReadOnlyList<QuotaCheckView> Quota, SchedulingDecisionView Decision,
    Billing.SpendCheck? Spend);

/// <summary>One quota check of an admission.</summary>
/// <param name="Resource">Quota resource.</param>
/// <param name="Limit">The limit (0 when the tenant has no quota for it).</param>
/// <param name="Used">Current use.</param>
/// <param name="Requested">What the placement needs.</param>
/// <param name="Sufficient">Whether it fits.</param>
public sealed record QuotaCheckView(string Resource, long Limit, long Used, long Requested, bool Sufficient);
