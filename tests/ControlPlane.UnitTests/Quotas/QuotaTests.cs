using ControlPlane.Domain.Quotas;

namespace ControlPlane.UnitTests.Quotas;

public sealed class QuotaTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("gpu.h100", true)]
    [InlineData("gpu.a100-80gb", true)]
    [InlineData("mig.1g.10gb", true)]
    [InlineData("mig.3g.40gb+me", true)]
    [InlineData("placements", true)]
    [InlineData("storage.bytes", true)]
    [InlineData("gpu-hours.monthly", true)]
    [InlineData("spend.monthly", true)]
    [InlineData("gpu.", false)]
    [InlineData("gpu.H100", false)]
    [InlineData("mig.8g.10gb", false)]
    [InlineData("mig.1g", false)]
    [InlineData("cpu", false)]
    [InlineData(null, false)]
    public void Resource_names(string? name, bool valid) => Assert.Equal(valid, QuotaResource.IsValid(name));

    [Fact]
    public void Reservations_never_exceed_the_limit()
    {
        var quota = Quota.Create(Guid.NewGuid(), "gpu.h100", 8, Now);
        quota.Reserve(6, Now);
        Assert.True(quota.CanReserve(2));
        Assert.False(quota.CanReserve(3));
        Assert.Throws<InvalidOperationException>(() => quota.Reserve(3, Now));
        Assert.Equal(6, quota.Used);
        Assert.Equal(75m, quota.Percentage);
        Assert.Equal(2, quota.Remaining);
    }

    [Fact]
    public void Lowering_the_limit_below_use_keeps_holdings_and_refuses_more()
    {
        var quota = Quota.Create(Guid.NewGuid(), "placements", 10, Now);
        quota.Reserve(5, Now);
        quota.SetLimit(2, Now);
        Assert.Equal(5, quota.Used);
        Assert.Equal(250m, quota.Percentage);
        Assert.False(quota.CanReserve(1));
        Assert.Equal(0, quota.Remaining);
    }

    [Fact]
    public void Release_never_goes_below_zero()
    {
        var quota = Quota.Create(Guid.NewGuid(), "gpu.h100", 8, Now);
        quota.Reserve(2, Now);
        quota.Release(5, Now);
        Assert.Equal(0, quota.Used);
    }

    [Fact]
    public void Negative_limits_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Quota.Create(Guid.NewGuid(), "gpu.h100", -1, Now));
        Assert.Equal(0m, Quota.Create(Guid.NewGuid(), "gpu.h100", 0, Now).Percentage);
    }
}
