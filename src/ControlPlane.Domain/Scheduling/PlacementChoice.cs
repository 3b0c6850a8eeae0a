namespace ControlPlane.Domain.Scheduling;

/// <summary>
/// The pool a scheduled request goes to.
/// </summary>
/// <param name="Cluster">Cluster name.</param>
/// <param name="NodePool">Node pool name within the cluster.</param>
/// <param name="RuntimeClass">Sandbox runtime class to run under (strong tier), or null for the default runtime.</param>
/// <param name="HourlyPrice">List price per hour of the whole request (all replicas).</param>
public sealed record PlacementChoice(string Cluster, string NodePool, string? RuntimeClass, decimal HourlyPrice);
