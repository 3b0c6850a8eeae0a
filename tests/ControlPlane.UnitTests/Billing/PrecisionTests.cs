using ControlPlane.Domain.Billing;

namespace ControlPlane.UnitTests.Billing;

/// <summary>The bounded scales: what can be stored exactly, and that the largest values multiply and sum as exact decimals.</summary>
public sealed class PrecisionTests
{
    [Theory]
    [InlineData("0", true)]
    [InlineData("0.000001", true)]
    [InlineData("999999999999999.999999", true)]
    [InlineData("1000000000000000", false)]
    [InlineData("9223372036854775808", false)]
    [InlineData("0.0000001", false)]
    [InlineData("0.123456789012345678901234567", false)]
    [InlineData("-1", false)]
    public void A_quantity_is_stored_only_when_its_scale_and_size_are_bounded(string quantity, bool representable) =>
        Assert.Equal(representable, Quantities.IsRepresentable(decimal.Parse(quantity, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void A_measured_quantity_is_rounded_half_away_from_zero_to_six_decimals() =>
        Assert.Equal(16666.716667m, Quantities.Round(1_000_003m * 60m / 3600m));

    [Fact]
    public void The_largest_hourly_quantity_times_the_largest_price_is_an_exact_decimal()
    {
        var largestHour = 9_999_999_999_999_999_999_999.999999m;
        var largestPrice = 999_999.999999999999999999m;
        Assert.True(UnitPrices.IsRepresentable(largestPrice));
        Assert.False(UnitPrices.IsRepresentable(UnitPrices.Max));
        Assert.False(UnitPrices.IsRepresentable(0.0000000000000000001m));
        Assert.True(largestHour * largestPrice < decimal.MaxValue / 7);
    }
}
