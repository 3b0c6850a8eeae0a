using ControlPlane.Domain.Tenants;
namespace ControlPlane.Domain.Scheduling;

/// <summary>
/// Decides which node pool takes a placement request, deterministically, and explains every refusal.
/// Pure: no I/O, no clock, no randomness; the result depends only on the request and the set of pools,
/// not on their order.
/// </summary>
/// <remarks>
/// A pool is refused for the first rule it breaks, lasting rules first, in this order: cluster dedicated to
/// another tenant; physical tier on a cluster not dedicated to the tenant; soft or strong tier on a cluster
/// dedicated to the tenant; region; pool dedicated to another tenant; isolation tier; purpose; spot; GPU model
/// or MIG profile; sandbox runtime class missing from the cluster, or gVisor limits; a replica larger than a node; the request larger than the whole pool.
/// Then the passing ones: cluster unavailable, free capacity.
/// Accepted pools are ranked by hourly price of the request (lower first), then utilisation after placing
/// (higher first: bin packing, less fragmentation), then a stable hash of the request's tie-breaker and the pool
/// (spreading concurrent admissions over equals), then cluster name and pool name (ordinal).
/// </remarks>
public static class PlacementScheduler
{
    /// <summary>
    /// Evaluates every pool in <paramref name="pools"/> for <paramref name="request"/> and picks the best.
    /// Indexes the pools first; when deciding repeatedly against the same state, build a
    /// <see cref="FleetSnapshot"/> once and use <see cref="Decide(SchedulingRequest, FleetSnapshot)"/>.
    /// </summary>
    /// <exception cref="ArgumentException">Two pools share a cluster name and pool name.</exception>
    public static SchedulingDecision Decide(SchedulingRequest request, IEnumerable<NodePoolSnapshot> pools)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Decide(request, new FleetSnapshot(pools));
    }

    /// <summary>Evaluates every pool of <paramref name="fleet"/> for <paramref name="request"/> and picks the best.</summary>
    public static SchedulingDecision Decide(SchedulingRequest request, FleetSnapshot fleet)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(fleet);

        var context = new DecisionContext(request, fleet);
        var facts = fleet.Facts;
        var pools = fleet.PoolSpan;
        var count = facts.Length;

        // Accepted candidates fill the array from the front, rejected ones from the back. The fleet is in name
        // order, so reversing the back part puts the rejected candidates in name order without a sort.
        var candidates = new CandidateEvaluation[count];
        var acceptedCount = 0;
        var rejectedStart = count;
        var anyTransient = false;
        for (var i = 0; i < count; i++)
        {
            var evaluation = Evaluate(context, i, in facts[i], pools[i]);
            if (evaluation.Accepted)
            {
                candidates[acceptedCount++] = evaluation;
            }
            else
            {
                candidates[--rejectedStart] = evaluation;
                anyTransient |= evaluation.ReasonCode!.Value.IsTransient();
            }
        }

        Array.Reverse(candidates, rejectedStart, count - rejectedStart);
        Array.Sort(candidates, 0, acceptedCount, RankComparer.Instance);
        for (var i = 0; i < acceptedCount; i++)
        {
            candidates[i].Rank = i + 1;
        }

        if (acceptedCount > 1 && request.TieBreaker is not null)
        {
            candidates[0].TiedWith = CountEquals(candidates, acceptedCount);
        }

        if (acceptedCount > 0)
        {
            var best = candidates[0];
            var chosen = new PlacementChoice(best.Cluster, best.NodePool, best.RuntimeClass, best.HourlyPrice);
            return new SchedulingDecision(SchedulingOutcome.Scheduled, chosen, candidates);
        }

        var outcome = anyTransient ? SchedulingOutcome.NotAdmissibleNow : SchedulingOutcome.Impossible;
        return new SchedulingDecision(outcome, null, candidates);
    }

    private static CandidateEvaluation Evaluate(DecisionContext context, int index, in PoolFacts pool, NodePoolSnapshot snapshot)
    {
        var request = context.Request;
        if (context.ClusterVerdicts[pool.ClusterIndex] is { } clusterCode)
        {
            return Rejected(context, index, snapshot, clusterCode);
        }

        if (pool.DedicatedTenant is { } poolTenant && !string.Equals(poolTenant, request.Tenant, StringComparison.Ordinal))
        {
            return Rejected(context, index, snapshot, RejectionCode.DedicatedToAnotherTenant);
        }

        var tierFits = request.Tier switch
        {
            IsolationTier.Soft => pool.DedicatedTenant is null && !pool.SandboxOnly,
            IsolationTier.Strong => pool.SandboxOnly,
            _ => true,
        };
        if (!tierFits)
        {
            return Rejected(context, index, snapshot, RejectionCode.IsolationTierMismatch);
        }

        if ((pool.Purposes & context.ServingPurposes) == 0)
        {
            return Rejected(context, index, snapshot, RejectionCode.PurposeMismatch);
        }

        if (pool.Spot && !request.Interruptible)
        {
            return Rejected(context, index, snapshot, RejectionCode.SpotNotAllowed);
        }

        var gpu = request.Gpu;
        if (gpu.Model is not null && pool.ModelId != context.ModelId)
        {
            return Rejected(context, index, snapshot, RejectionCode.GpuModelMismatch);
        }

        MigProfileCapacity? mig = null;
        if (gpu.IsMig)
        {
            var position = pool.MigProfileIds is { } ids ? Array.IndexOf(ids, context.MigProfileId) : -1;
            if (position < 0)
            {
                return Rejected(context, index, snapshot, RejectionCode.MigProfileNotOffered);
            }

            mig = snapshot.MigProfiles[position];
        }

        string? runtime = null;
        if (request.Tier == IsolationTier.Strong)
        {
            (runtime, var refusal) = SandboxRuntimes.Choose(snapshot, gpu);
            if (refusal is { } sandboxCode)
            {
                return Rejected(context, index, snapshot, sandboxCode);
            }
        }

        long unitsPerNode;
        long allocated;
        if (mig is null)
        {
            unitsPerNode = pool.GpusPerNode;
            allocated = pool.AllocatedGpus;
        }
        else
        {
            unitsPerNode = (long)mig.PerGpu * pool.GpusPerNode;
            allocated = mig.AllocatedSlices;
        }

        var total = unitsPerNode * pool.NodeCount;
        var free = Math.Max(0L, total - allocated);
        var needed = context.NeededUnits;

        RejectionCode? code = null;
        if (gpu.UnitsPerReplica > unitsPerNode)
        {
            code = RejectionCode.ReplicaExceedsNodeSize;
        }
        else if (needed > total)
        {
            code = RejectionCode.RequestExceedsPoolSize;
        }
        else if (!context.ClusterAvailable[pool.ClusterIndex])
        {
            code = RejectionCode.ClusterUnavailable;
        }
        else if (needed > free)
        {
            code = mig is null ? RejectionCode.InsufficientCapacity : RejectionCode.MigCapacityExhausted;
        }

        if (code is not null)
        {
            return new CandidateEvaluation(context.Request, snapshot, index, code, null, mig, needed, free, total, 0m);
        }

        // A MIG slice costs pricePerGpuHour / perGpu; multiply first so that the division rounds once.
        var price = mig is null
            ? pool.PricePerGpuHour * needed
            : pool.PricePerGpuHour * needed / mig.PerGpu;
        return new CandidateEvaluation(context.Request, snapshot, index, null, runtime, mig, needed, free, total, price);
    }

    private static CandidateEvaluation Rejected(DecisionContext context, int index, NodePoolSnapshot snapshot, RejectionCode code) =>
        new(context.Request, snapshot, index, code, null, null, context.NeededUnits, 0, 0, 0m);

    /// <summary>How many of the other accepted pools rank equal to the best one (same price, same packing).</summary>
    private static int CountEquals(CandidateEvaluation[] ranked, int acceptedCount)
    {
        var equals = 0;
        while (equals + 1 < acceptedCount && RankComparer.Equal(ranked[0], ranked[equals + 1]))
        {
            equals++;
        }

        return equals;
    }

    /// <summary>
    /// Best first: lower price, then higher utilisation after placing, then — among equals — the request's stable
    /// hash order (see <see cref="SchedulingRequest.TieBreaker"/>), then fleet (name) order.
    /// </summary>
    private sealed class RankComparer : IComparer<CandidateEvaluation>
    {
        public static readonly RankComparer Instance = new();

        public static bool Equal(CandidateEvaluation x, CandidateEvaluation y) => ByPriceAndPacking(x, y) == 0;

        public int Compare(CandidateEvaluation? x, CandidateEvaluation? y)
        {
            var byScore = ByPriceAndPacking(x!, y!);
            if (byScore != 0)
            {
                return byScore;
            }

            var byTie = x!.TieOrder.CompareTo(y!.TieOrder);
            return byTie != 0 ? byTie : x.FleetIndex.CompareTo(y.FleetIndex);
        }

        private static int ByPriceAndPacking(CandidateEvaluation x, CandidateEvaluation y)
        {
            var byPrice = x.HourlyPrice.CompareTo(y.HourlyPrice);
            // Compare the fractions allocated / total exactly, higher first.
            return byPrice != 0 ? byPrice : (y.AllocatedAfterPlacement * x.TotalUnits).CompareTo(x.AllocatedAfterPlacement * y.TotalUnits);
        }
    }
}
