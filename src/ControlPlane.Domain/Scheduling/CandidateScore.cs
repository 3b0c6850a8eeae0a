namespace ControlPlane.Domain.Scheduling;

/// <summary>
/// How an accepted pool ranked. Units are whole GPUs, or MIG slices of the requested profile.
/// </summary>
/// <param name="Rank">1 for the chosen pool, then 2, 3, ... in order of preference.</param>
/// <param name="HourlyPrice">List price per hour of the whole request in this pool (first ranking key, lower wins).</param>
/// <param name="UtilisationAfterPlacement">Allocated share of the pool's units once placed, 0..1 (second key, higher wins).</param>
/// <param name="NeededUnits">Units the request needs over all replicas.</param>
/// <param name="FreeUnits">Units free in the pool before placing.</param>
/// <param name="TotalUnits">Units the pool has in total.</param>
public readonly record struct CandidateScore(
    int Rank,
    decimal HourlyPrice,
    double UtilisationAfterPlacement,
    long NeededUnits,
    long FreeUnits,
    long TotalUnits);
