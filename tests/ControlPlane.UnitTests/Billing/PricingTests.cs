using ControlPlane.Domain.Billing;

namespace ControlPlane.UnitTests.Billing;

public sealed class PricingTests
{
    private static readonly DateTimeOffset Nov = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly Guid Tenant = Guid.NewGuid();

    private static Dictionary<string, string> Dims(params (string Key, string Value)[] pairs) =>
        pairs.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

    private static readonly PriceSchedule Schedule = new(
    [
        PriceBook.Create(2, "USD", Nov.AddDays(15), [new Price(Meters.GpuSeconds, Dims(("gpuModel", "h100")), 0.002m)], Nov, "op"),
        PriceBook.Create(1, "USD", Nov,
        [
            new Price(Meters.GpuSeconds, Dims(), 0.0001m),
            new Price(Meters.GpuSeconds, Dims(("gpuModel", "h100")), 0.001m),
            new Price(Meters.GpuSeconds, Dims(("gpuModel", "h100"), ("capacityType", "spot")), 0.0004m),
            new Price(Meters.GpuSeconds, Dims(("capacityType", "spot")), 0.0003m),
            new Price(Meters.GpuSeconds, Dims(("gpuModel", "a100")), 0.0005m),
        ], Nov, "op"),
    ]);

    [Theory]
    [InlineData("h100", "spot", 0.0004)]
    [InlineData("h100", "on-demand", 0.001)]
    [InlineData("a100", "spot", 0.0003)] // {capacityType} and {gpuModel} are equally specific: the one listed first wins
    [InlineData("a100", "on-demand", 0.0005)]
    [InlineData("l4", "spot", 0.0003)]
    [InlineData("l4", "on-demand", 0.0001)]
    public void The_most_specific_matching_price_wins(string gpu, string capacity, decimal expected)
    {
        var price = Schedule.PriceOf(Meters.GpuSeconds, Dims(("gpuModel", gpu), ("capacityType", capacity)), Nov.AddDays(3));

        Assert.Equal((1, expected, true), (price.BookVersion, price.UnitPrice, price.Listed));
    }

    [Fact]
    public void The_version_in_force_at_the_usage_time_prices_it_and_unmatched_usage_is_free_and_unlisted()
    {
        var after = Schedule.PriceOf(Meters.GpuSeconds, Dims(("gpuModel", "h100"), ("capacityType", "spot")), Nov.AddDays(15));
        var unmatched = Schedule.PriceOf(Meters.GpuSeconds, Dims(("gpuModel", "a100")), Nov.AddDays(20));
        var before = Schedule.PriceOf(Meters.GpuSeconds, Dims(), Nov.AddTicks(-1));

        Assert.Equal((2, 0.002m, Nov.AddDays(15), (DateTimeOffset?)null), (after.BookVersion, after.UnitPrice, after.PeriodStart, after.PeriodEnd));
        Assert.Equal((2, 0m, false), (unmatched.BookVersion, unmatched.UnitPrice, unmatched.Listed));
        Assert.Equal((0, 0m, false), (before.BookVersion, before.UnitPrice, before.Listed));
    }

    [Fact]
    public void Statement_lines_split_at_a_price_change_and_round_each_line_once_to_the_cent()
    {
        var h100 = Dims(("gpuModel", "h100"), ("capacityType", "on-demand"));
        UsageAggregate Usage(DateTimeOffset hour, decimal seconds) => new(Tenant, Meters.GpuSeconds, h100, "llm", hour, seconds, 60);
        var usage = new[]
        {
            Usage(Nov.AddDays(14).AddHours(22), 1234.5m),
            Usage(Nov.AddDays(14).AddHours(23), 1000.0005m),
            Usage(Nov.AddDays(15), 3600m),
            Usage(Nov.AddDays(29).AddHours(23), 0.25m),
        };

        var lines = Pricing.Lines(Pricing.Price(usage, Schedule), Nov, Nov.AddMonths(1));

        Assert.Equal(2, lines.Count);
        Assert.Equal((1, Nov, Nov.AddDays(15), 2234.5005m, 0.001m, 2.23m), (lines[0].PriceBookVersion, lines[0].PeriodStart, lines[0].PeriodEnd,
            lines[0].Quantity, lines[0].UnitPrice, lines[0].Amount));
        Assert.Equal((2, Nov.AddDays(15), Nov.AddMonths(1), 3600.25m, 0.002m, 7.20m), (lines[1].PriceBookVersion, lines[1].PeriodStart,
            lines[1].PeriodEnd, lines[1].Quantity, lines[1].UnitPrice, lines[1].Amount));
        Assert.Equal("GPU-Seconds", lines[0].Unit);
    }

    [Theory]
    [InlineData(0.005, 0.01)]
    [InlineData(0.015, 0.02)]
    [InlineData(-0.005, -0.01)]
    [InlineData(2.2345, 2.23)]
    public void Money_rounds_half_away_from_zero_to_the_cent(decimal amount, decimal expected) => Assert.Equal(expected, Money.Round(amount));

    [Fact]
    public void The_dimension_key_is_independent_of_order()
    {
        Assert.Equal(UsageDimensions.KeyOf(Dims(("b", "2"), ("a", "1"))), UsageDimensions.KeyOf(Dims(("a", "1"), ("b", "2"))));
        Assert.NotEqual(UsageDimensions.KeyOf(Dims(("a", "1=b"))), UsageDimensions.KeyOf(Dims(("a", "1"), ("b", ""))));
    }

    [Fact]
    public void A_dimension_key_parses_back_into_its_dimensions()
    {
        var dimensions = Dims(("model", "llm=v2"), ("gpuModel", "h100"), ("empty", ""));

        Assert.Equal(dimensions.OrderBy(d => d.Key), UsageDimensions.Parse(UsageDimensions.KeyOf(dimensions)).OrderBy(d => d.Key));
        Assert.Empty(UsageDimensions.Parse(UsageDimensions.KeyOf(Dims())));
        Assert.Equal("model=llm=v2", UsageDimensions.KeyOf(Dims(("model", "llm=v2"))));
        Assert.Equal("", UsageDimensions.KeyOf(Dims()));
    }

    [Fact]
    public void Budget_thresholds_are_reached_at_their_share_of_the_amount()
    {
        var budget = Budget.Create(Tenant, 10m, [100, 50, 80, 50], hardCap: true, byOperator: false, Nov);

        Assert.Equal([50, 80, 100], budget.AlertThresholds);
        Assert.Equal([50], budget.Reached(5m));
        Assert.Equal([50, 80], budget.Reached(9.99m));
        Assert.Equal([50, 80, 100], budget.Reached(10m));
    }
}
