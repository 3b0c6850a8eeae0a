using ControlPlane.Domain.Clusters;
using ControlPlane.Domain.Scheduling;

namespace ControlPlane.Application.Clusters;

/// <summary>A node pool and the capacity the control plane has reserved on it.</summary>
/// <param name="Id">Stable identifier.</param>
/// <param name="Cluster">The cluster's name.</param>
/// <param name="Name">DNS-1123 label, unique in the cluster.</param>
/// <param name="GpuModel">GPU model, lower case (h100, a100, l40s, …).</param>
/// <param name="GpuMemoryGiB">Memory of one GPU.</param>
/// <param name="GpusPerNode">GPUs in one node.</param>
/// <param name="NodeCount">Nodes in the pool.</param>
/// <param name="MigProfiles">MIG layout: slices of each profile per GPU.</param>
/// <param name="CapacityType">on-demand or spot.</param>
/// <param name="Purposes">What the pool serves: training, inference, realtime, batch.</param>
/// <param name="Taints">Taints of the nodes; placements get matching tolerations.</param>
/// <param name="Labels">Node labels, used as the placements' nodeSelector.</param>
/// <param name="RuntimeClasses">
/// Sandbox runtime classes offered, named as the cluster's RuntimeClass objects (kata-qemu-nvidia-gpu, gvisor, …); a pool
/// offering any is reserved for strong-isolation tenants.
/// </param>
/// <param name="DedicatedTenant">Only this tenant may use the pool.</param>
/// <param name="PricePerGpuHour">Price of one GPU-hour (exact decimal).</param>
/// <param name="Capacity">Totals and reservations.</param>
/// <param name="Status">Whether the scheduler places on it, as the last capacity sync found the cluster.</param>
/// <param name="CreatedAt">Creation time (UTC).</param>
/// <param name="UpdatedAt">Last change (UTC).</param>
public sealed record NodePoolResponse(Guid Id, string Cluster, string Name, string GpuModel, int GpuMemoryGiB, int GpusPerNode,
    int NodeCount, IReadOnlyList<MigLayout> MigProfiles, CapacityType CapacityType, IReadOnlyList<PoolPurpose> Purposes,
    IReadOnlyList<NodeTaint> Taints, IReadOnlyDictionary<string, string> Labels, IReadOnlyList<string> RuntimeClasses,
    string? DedicatedTenant, decimal PricePerGpuHour, NodePoolCapacityResponse Capacity, NodePoolStatusResponse Status,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>Whether the scheduler places on a pool.</summary>
/// <param name="State">schedulable, or unschedulable when the cluster lacks something its pods need.</param>
/// <param name="Reason">Why it is unschedulable.</param>
/// <param name="MissingRuntimeClasses">Declared runtime classes the cluster has no RuntimeClass object for.</param>
public sealed record NodePoolStatusResponse(NodePoolState State, string? Reason, IReadOnlyList<string> MissingRuntimeClasses);

/// <summary>Capacity of a pool.</summary>
/// <param name="TotalGpus">GPUs per node × nodes.</param>
/// <param name="AllocatedGpus">Whole GPUs reserved by placements.</param>
/// <param name="AllocatedMigSlices">MIG slices reserved, per profile.</param>
public sealed record NodePoolCapacityResponse(int TotalGpus, int AllocatedGpus, IReadOnlyDictionary<string, int> AllocatedMigSlices);

/// <summary>Creates a node pool.</summary>
/// <param name="Name">DNS-1123 label, unique in the cluster.</param>
/// <param name="GpuModel">GPU model (h100, a100, …).</param>
/// <param name="GpuMemoryGiB">Memory of one GPU in GiB.</param>
/// <param name="GpusPerNode">GPUs per node (1–16).</param>
/// <param name="NodeCount">Nodes (0 or more).</param>
/// <param name="MigProfiles">MIG layout, e.g. [{"profile": "1g.10gb", "perGpu": 7}].</param>
/// <param name="CapacityType">on-demand (default) or spot.</param>
/// <param name="Purposes">training, inference, realtime, batch (at least one).</param>
/// <param name="Taints">Node taints.</param>
/// <param name="Labels">Node labels, used as nodeSelector.</param>
/// <param name="RuntimeClasses">Sandbox runtime classes by the cluster's names (e.g. kata-qemu-nvidia-gpu, gvisor); each must exist in the cluster.</param>
/// <param name="DedicatedTenant">Reserve the pool for one tenant.</param>
/// <param name="PricePerGpuHour">Price per GPU-hour, at most 6 decimals.</param>
public sealed record CreateNodePoolRequest(string Name, string GpuModel, int? GpuMemoryGiB, int? GpusPerNode, int? NodeCount,
    IReadOnlyList<MigLayout>? MigProfiles = null, CapacityType? CapacityType = null, IReadOnlyList<PoolPurpose>? Purposes = null,
    IReadOnlyList<NodeTaint>? Taints = null, IReadOnlyDictionary<string, string>? Labels = null,
    IReadOnlyList<string>? RuntimeClasses = null, string? DedicatedTenant = null, decimal? PricePerGpuHour = null);

/// <summary>Changes a node pool; absent fields stay. Capacity cannot shrink below what placements hold.</summary>
/// <param name="NodeCount">New node count.</param>
/// <param name="GpusPerNode">New GPUs per node.</param>
/// <param name="MigProfiles">New MIG layout.</param>
/// <param name="Purposes">New purposes.</param>
/// <param name="Taints">New taints.</param>
/// <param name="Labels">New labels.</param>
/// <param name="RuntimeClasses">New runtime classes.</param>
/// <param name="DedicatedTenant">Dedicate to this tenant; empty string removes the dedication.</param>
/// <param name="PricePerGpuHour">New price per GPU-hour.</param>
public sealed record UpdateNodePoolRequest(int? NodeCount = null, int? GpusPerNode = null, IReadOnlyList<MigLayout>? MigProfiles = null,
    IReadOnlyList<PoolPurpose>? Purposes = null, IReadOnlyList<NodeTaint>? Taints = null, IReadOnlyDictionary<string, string>? Labels = null,
    IReadOnlyList<string>? RuntimeClasses = null, string? DedicatedTenant = null, decimal? PricePerGpuHour = null);
