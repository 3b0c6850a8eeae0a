using System.Text.Json;
using ControlPlane.Domain.Common;
using ControlPlane.Domain.Scheduling;
using static ControlPlane.UnitTests.Scheduling.Fleet;

namespace ControlPlane.UnitTests.Scheduling;

public class SchedulingModelTests
{
    /// <summary>How the service serializes: the web defaults with the one enum naming (<see cref="WireNames"/>).</summary>
    private static readonly JsonSerializerOptions Wire = new(JsonSerializerOptions.Web) { Converters = { WireNames.JsonConverter() } };

    public static TheoryData<RejectionCode> AllCodes() => [.. Enum.GetValues<RejectionCode>()];

    [Theory]
    [MemberData(nameof(AllCodes))]
    public void Rejection_code_serializes_to_its_kebab_case_wire_name(RejectionCode code)
    {
        var json = JsonSerializer.Serialize(code, Wire);

        Assert.Equal($"\"{WireNames.Of(code)}\"", json);
        Assert.Matches("^[a-z]+(-[a-z]+)+$", WireNames.Of(code));
        Assert.Equal(code, JsonSerializer.Deserialize<RejectionCode>(json, Wire));
    }

    [Fact]
    public void Rejection_codes_have_the_spec_wire_names()
    {
        Assert.Equal(
            [
                "gpu-model-mismatch", "mig-profile-not-offered", "mig-capacity-exhausted", "isolation-tier-mismatch",
                "sandbox-runtime-unsupported", "dedicated-to-another-tenant", "cluster-not-dedicated", "region-not-allowed",
                "purpose-mismatch", "spot-not-allowed", "insufficient-capacity", "cluster-unavailable",
                "replica-exceeds-node-size", "request-exceeds-pool-size", "runtime-class-missing",
            ],
            WireNames.All<RejectionCode>());
    }

    [Fact]
    public void Only_capacity_cluster_availability_and_missing_runtime_classes_are_transient()
    {
        Assert.Equal(
            [RejectionCode.MigCapacityExhausted, RejectionCode.InsufficientCapacity, RejectionCode.ClusterUnavailable, RejectionCode.RuntimeClassMissing],
            Enum.GetValues<RejectionCode>().Where(c => c.IsTransient()));
    }

    [Fact]
    public void Other_enums_serialize_in_kebab_case()
    {
        Assert.Equal("\"not-admissible-now\"", JsonSerializer.Serialize(SchedulingOutcome.NotAdmissibleNow, Wire));
        Assert.Equal("\"on-demand\"", JsonSerializer.Serialize(CapacityType.OnDemand, Wire));
        Assert.Equal("\"realtime\"", JsonSerializer.Serialize(PoolPurpose.Realtime, Wire));
        Assert.Equal("\"batch\"", JsonSerializer.Serialize(PlacementKind.Batch, Wire));
    }

    [Fact]
    public void Decision_serializes_with_wire_names_and_every_candidate()
    {
        var pools = new[] { Pool("cheap", pricePerGpuHour: 2.00m) with { CapacityType = CapacityType.Spot }, Pool("od", pricePerGpuHour: 3.00m) };
        var decision = PlacementScheduler.Decide(Request(), pools);

        var json = JsonSerializer.Serialize(decision, Wire);

        Assert.Contains("\"outcome\":\"scheduled\"", json, StringComparison.Ordinal);
        Assert.Contains("\"chosen\":{\"cluster\":\"c1\",\"nodePool\":\"od\",\"runtimeClass\":null,\"hourlyPrice\":3.00}", json, StringComparison.Ordinal);
        Assert.Contains("\"reasonCode\":\"spot-not-allowed\"", json, StringComparison.Ordinal);
        Assert.Contains("\"reason\":\"pool cheap in c1 is a spot pool; only interruptible requests may run on spot capacity\"", json, StringComparison.Ordinal);
        Assert.Contains("\"rank\":1", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Whole_gpu_request_counts_gpus()
    {
        var gpu = GpuRequest.WholeGpus("h100", 4);

        Assert.False(gpu.IsMig);
        Assert.Equal(4, gpu.UnitsPerReplica);
        Assert.Equal(12, Request(gpu: gpu, replicas: 3).TotalUnits);
    }

    [Fact]
    public void Mig_request_counts_slices()
    {
        var gpu = GpuRequest.Mig("1g.10gb", slicesPerReplica: 2);

        Assert.True(gpu.IsMig);
        Assert.Null(gpu.Model);
        Assert.Equal(0, gpu.GpusPerReplica);
        Assert.Equal(2, gpu.UnitsPerReplica);
    }

    [Fact]
    public void Invalid_inputs_are_refused_when_built()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => GpuRequest.WholeGpus("h100", 0));
        Assert.Throws<ArgumentException>(() => GpuRequest.WholeGpus(" ", 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => GpuRequest.Mig("1g.10gb", 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Request(replicas: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Pool(gpusPerNode: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Pool(allocatedGpus: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Pool(pricePerGpuHour: -0.01m));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MigProfileCapacity("1g.10gb", 0));
        Assert.Throws<ArgumentException>(() => Cluster(name: ""));
    }
}
