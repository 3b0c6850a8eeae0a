using ControlPlane.Domain.Billing;

namespace ControlPlane.UnitTests.Billing;

public sealed class StorageAttributionTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 30, 10, 0, 0, TimeSpan.Zero);
    private static readonly Guid V1 = Guid.Parse("00000000-0000-0000-0000-000000000001");
    private static readonly Guid V2 = Guid.Parse("00000000-0000-0000-0000-000000000002");
    private static readonly Guid V3 = Guid.Parse("00000000-0000-0000-0000-000000000003");

    [Fact]
    public void A_file_shared_by_versions_is_billed_once_to_the_earliest()
    {
        var billable = StorageAttribution.BillableBytes(
        [
            new StoredVersion(V2, T0.AddMinutes(5), [("sha256:weights", 1_000), ("sha256:config-2", 10)]),
            new StoredVersion(V1, T0, [("sha256:weights", 1_000), ("sha256:config-1", 10)]),
        ]);

        Assert.Equal(1_010, billable[V1]);
        Assert.Equal(10, billable[V2]);
    }

    [Fact]
    public void The_same_digest_twice_in_one_version_is_one_object()
    {
        var billable = StorageAttribution.BillableBytes([new StoredVersion(V1, T0, [("sha256:a", 500), ("sha256:a", 500), ("sha256:b", 7)])]);

        Assert.Equal(507, billable[V1]);
    }

    [Fact]
    public void Versions_finalized_at_the_same_instant_are_ordered_by_id_so_every_replica_agrees()
    {
        StoredVersion[] versions =
        [
            new(V3, T0, [("sha256:shared", 100)]),
            new(V2, T0, [("sha256:shared", 100)]),
        ];

        Assert.Equal(100, StorageAttribution.BillableBytes(versions)[V2]);
        Assert.Equal(0, StorageAttribution.BillableBytes(versions.Reverse())[V3]);
    }
}
