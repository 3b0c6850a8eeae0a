namespace ControlPlane.Domain.Scheduling;

/// <summary>
/// The scheduler's verdict on one node pool: accepted (with its score) or rejected (with a reason code),
/// and a sentence explaining it with the numbers involved.
/// </summary>
public sealed class CandidateEvaluation
{
    private readonly SchedulingRequest _request;
    private readonly NodePoolSnapshot _pool;
    private readonly MigProfileCapacity? _migProfile;
    private string? _reason;

    internal CandidateEvaluation(
        SchedulingRequest request,
        NodePoolSnapshot pool,
        int fleetIndex,
        RejectionCode? reasonCode,
        string? runtimeClass,
        MigProfileCapacity? migProfile,
        long neededUnits,
        long freeUnits,
        long totalUnits,
        decimal hourlyPrice)
    {
        _request = request;
        _pool = pool;
        FleetIndex = fleetIndex;
        ReasonCode = reasonCode;
        RuntimeClass = runtimeClass;
        _migProfile = migProfile;
        NeededUnits = neededUnits;
        FreeUnits = freeUnits;
        TotalUnits = totalUnits;
        HourlyPrice = hourlyPrice;
    }

    /// <summary>Cluster name.</summary>
    public string Cluster => _pool.Cluster.Name;

    /// <summary>Node pool name within the cluster.</summary>
    public string NodePool => _pool.Name;

    /// <summary>True when the pool could take the request now.</summary>
    public bool Accepted => ReasonCode is null;

    /// <summary>Why the pool was refused (the first rule it fails); null when accepted.</summary>
    public RejectionCode? ReasonCode { get; }

    /// <summary>
    /// For a strong-tier request on an accepted pool, the sandbox runtime class it would run under; otherwise null.
    /// </summary>
    public string? RuntimeClass { get; }

    /// <summary>
    /// A sentence for humans naming the numbers, e.g.
    /// "pool h100-od in c1 has 3 free H100 GPUs; 4 are needed". Formatted on first read.
    /// </summary>
    public string Reason => _reason ??= ReasonText.Format(this, _request, _pool, _migProfile);

    /// <summary>Ranking details; null when rejected.</summary>
    public CandidateScore? Score => Accepted
        ? new CandidateScore(Rank, HourlyPrice, UtilisationAfterPlacement, NeededUnits, FreeUnits, TotalUnits)
        : null;

    /// <summary>Position of the pool in <see cref="FleetSnapshot.Pools"/> (name order): the final tie-break.</summary>
    internal int FleetIndex { get; }

    internal long NeededUnits { get; }

    internal long FreeUnits { get; }

    internal long TotalUnits { get; }

    internal decimal HourlyPrice { get; }

    internal long AllocatedAfterPlacement => TotalUnits - FreeUnits + NeededUnits;

    internal double UtilisationAfterPlacement => TotalUnits == 0 ? 0d : (double)AllocatedAfterPlacement / TotalUnits;

    internal int Rank { get; set; }

    /// <summary>How many accepted pools were equal to this one on price and packing (0: none).</summary>
    internal int TiedWith { get; set; }

    /// <summary>The order among equals: a stable hash of the request's tie-breaker and this pool (FNV-1a, 64 bit).</summary>
    internal ulong TieOrder => _tieOrder ??= _request.TieBreaker is { } key ? StableHash.Of(key, _pool.Cluster.Name, _pool.Name) : 0UL;

    private ulong? _tieOrder;
}
