using System.ComponentModel.DataAnnotations;

namespace ControlPlane.Infrastructure.Idempotency;

/// <summary>How long an Idempotency-Key is remembered, and how its expired records are removed.</summary>
public sealed class IdempotencyOptions
{
    public const string Section = "Idempotency";

    /// <summary>
    /// A key protects retries for this long after its first use; afterwards the same key is a new request. A day, as
    /// payment APIs do: long enough for any client's retry schedule, short enough that the table stays small.
    /// </summary>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Delete expired records in the background; off only where no database exists (build-time OpenAPI generation).</summary>
    public bool PruneExpired { get; set; } = true;

    /// <summary>How often each replica deletes expired keys.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan PruneInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Rows one delete statement removes: a pass never holds locks on an unbounded set.</summary>
    [Range(1, 1_000_000)]
    public int PruneBatchSize { get; set; } = 5_000;
}
