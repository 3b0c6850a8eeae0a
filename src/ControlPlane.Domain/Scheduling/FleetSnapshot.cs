using System.Buffers;

namespace ControlPlane.Domain.Scheduling;

/// <summary>
/// All node pools of the fleet (every cluster) at one moment, indexed for <see cref="PlacementScheduler"/>.
/// Build it once per observed state and reuse it for every decision against that state: building sorts the pools
/// and interns names, which costs more than a decision does.
/// </summary>
public sealed class FleetSnapshot
{
    private readonly PoolFacts[] _facts;
    private readonly NodePoolSnapshot[] _pools;
    private readonly Dictionary<string, int> _modelIds;
    private readonly Dictionary<string, int> _migProfileIds;
    private string? _lastModel;
    private int _lastModelId;

    /// <summary>Indexes <paramref name="pools"/>; their order does not matter.</summary>
    /// <exception cref="ArgumentException">
    /// A pool is null, two pools share a cluster name and pool name, or two different cluster snapshots share a name.
    /// </exception>
    public FleetSnapshot(IEnumerable<NodePoolSnapshot> pools)
    {
        ArgumentNullException.ThrowIfNull(pools);

        var input = pools as NodePoolSnapshot[] ?? pools.ToArray();
        var count = input.Length;
        _modelIds = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        _migProfileIds = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);

        // Pass 1, in the caller's order (usually memory order): read each pool object once.
        var inputFacts = ArrayPool<PoolFacts>.Shared.Rent(count);
        var clusterOfInput = new int[count];
        try
        {
            var clusterTable = new ClusterTable();
            for (var i = 0; i < count; i++)
            {
                var pool = input[i] ?? throw new ArgumentException("The pool list contains null.", nameof(pools));
                clusterOfInput[i] = clusterTable.Bucket(pool.Cluster);
                inputFacts[i] = Describe(pool);
            }

            var clusters = clusterTable.RankByName(clusterOfInput, nameof(pools));
            var order = OrderByName(input, clusterOfInput, clusters.Length);

            // Pass 2, in name order.
            _pools = new NodePoolSnapshot[count];
            _facts = new PoolFacts[count];
            for (var k = 0; k < count; k++)
            {
                var from = order[k];
                var pool = input[from];
                if (k > 0 && clusterOfInput[order[k - 1]] == clusterOfInput[from]
                    && string.Equals(_pools[k - 1].Name, pool.Name, StringComparison.Ordinal))
                {
                    throw new ArgumentException($"Node pool {pool.Name} appears twice in cluster {pool.Cluster.Name}.", nameof(pools));
                }

                _pools[k] = pool;
                _facts[k] = inputFacts[from] with { ClusterIndex = clusterOfInput[from] };
            }

            Pools = Array.AsReadOnly(_pools);
            Clusters = Array.AsReadOnly(clusters);
        }
        finally
        {
            inputFacts.AsSpan(0, count).Clear();
            ArrayPool<PoolFacts>.Shared.Return(inputFacts);
        }
    }

    /// <summary>Every pool, ordered by cluster name, then pool name (ordinal).</summary>
    public IReadOnlyList<NodePoolSnapshot> Pools { get; }

    /// <summary>Every cluster that has at least one pool, ordered by name (ordinal).</summary>
    public IReadOnlyList<ClusterSnapshot> Clusters { get; }

    internal ReadOnlySpan<PoolFacts> Facts => _facts;

    internal ReadOnlySpan<NodePoolSnapshot> PoolSpan => _pools;

    /// <summary>The id of a GPU model (case-insensitive), or -1 when no pool has it.</summary>
    internal int ModelId(string model) => _modelIds.GetValueOrDefault(model, -1);

    /// <summary>The id of a MIG profile (case-insensitive), or -1 when no pool offers it.</summary>
    internal int MigProfileId(string profile) => _migProfileIds.GetValueOrDefault(profile, -1);

    /// <summary>
    /// Positions of the input pools in name order: a counting sort by cluster rank, then an ordinal sort of pool
    /// names within each cluster, which takes far fewer string comparisons than one global sort.
    /// </summary>
    private static int[] OrderByName(NodePoolSnapshot[] input, int[] clusterRanks, int clusterCount)
    {
        var starts = new int[clusterCount + 1];
        foreach (var rank in clusterRanks)
        {
            starts[rank + 1]++;
        }

        for (var r = 1; r < starts.Length; r++)
        {
            starts[r] += starts[r - 1];
        }

        var next = (int[])starts.Clone();
        var order = new int[input.Length];
        var names = new string[input.Length];
        for (var i = 0; i < input.Length; i++)
        {
            var position = next[clusterRanks[i]]++;
            order[position] = i;
            names[position] = input[i].Name;
        }

        for (var r = 0; r < clusterCount; r++)
        {
            Array.Sort(names, order, starts[r], starts[r + 1] - starts[r], StringComparer.Ordinal);
        }

        return order;
    }

    private PoolFacts Describe(NodePoolSnapshot pool)
    {
        var purposes = PurposeMask.None;
        for (var i = 0; i < pool.Purposes.Count; i++)
        {
            purposes |= (PurposeMask)(1 << (int)pool.Purposes[i]);
        }

        int[]? migProfileIds = null;
        if (pool.MigProfiles.Count > 0)
        {
            migProfileIds = new int[pool.MigProfiles.Count];
            for (var i = 0; i < migProfileIds.Length; i++)
            {
                migProfileIds[i] = Intern(_migProfileIds, pool.MigProfiles[i].Profile);
            }
        }

        return new PoolFacts
        {
            ClusterIndex = -1,
            ModelId = InternModel(pool.GpuModel),
            Purposes = purposes,
            Spot = pool.CapacityType == CapacityType.Spot,
            SandboxOnly = pool.RuntimeClasses.Count > 0,
            DedicatedTenant = pool.DedicatedTenant,
            GpusPerNode = pool.GpusPerNode,
            NodeCount = pool.NodeCount,
            AllocatedGpus = pool.AllocatedGpus,
            PricePerGpuHour = pool.PricePerGpuHour,
            MigProfileIds = migProfileIds,
        };
    }

    /// <summary>Pools mostly share model string instances, so remember the last one before hashing.</summary>
    private int InternModel(string model)
    {
        if (!ReferenceEquals(model, _lastModel))
        {
            _lastModelId = Intern(_modelIds, model);
            _lastModel = model;
        }

        return _lastModelId;
    }

    private static int Intern(Dictionary<string, int> table, string name)
    {
        if (!table.TryGetValue(name, out var id))
        {
            id = table.Count;
            table.Add(name, id);
        }

        return id;
    }

    /// <summary>The distinct clusters of the input, bucketed by snapshot reference, then ranked by name.</summary>
    private sealed class ClusterTable
    {
        private readonly Dictionary<ClusterSnapshot, int> _bucketOf = new(ReferenceEqualityComparer.Instance);
        private readonly List<ClusterSnapshot> _buckets = [];
        private ClusterSnapshot? _last;
        private int _lastBucket = -1;

        public int Bucket(ClusterSnapshot cluster)
        {
            if (!ReferenceEquals(cluster, _last))
            {
                if (!_bucketOf.TryGetValue(cluster, out _lastBucket))
                {
                    _lastBucket = _buckets.Count;
                    _bucketOf.Add(cluster, _lastBucket);
                    _buckets.Add(cluster);
                }

                _last = cluster;
            }

            return _lastBucket;
        }

        /// <summary>
        /// Ranks the clusters by name (ordinal) and rewrites <paramref name="buckets"/> from bucket to rank.
        /// Equal snapshots given as separate objects share a rank; different snapshots with one name are refused.
        /// </summary>
        public ClusterSnapshot[] RankByName(int[] buckets, string paramName)
        {
            var byName = _buckets.ToArray();
            Array.Sort(byName, static (x, y) => string.CompareOrdinal(x.Name, y.Name));
            var rankOfBucket = new int[byName.Length];
            var ranked = new List<ClusterSnapshot>(byName.Length);
            foreach (var cluster in byName)
            {
                if (ranked.Count > 0 && string.Equals(ranked[^1].Name, cluster.Name, StringComparison.Ordinal))
                {
                    if (ranked[^1] != cluster)
                    {
                        throw new ArgumentException($"Cluster {cluster.Name} appears with two different snapshots.", paramName);
                    }
                }
                else
                {
                    ranked.Add(cluster);
                }

                rankOfBucket[_bucketOf[cluster]] = ranked.Count - 1;
            }

            for (var i = 0; i < buckets.Length; i++)
            {
                buckets[i] = rankOfBucket[buckets[i]];
            }

            return [.. ranked];
        }
    }
}
