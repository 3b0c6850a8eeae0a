using ControlPlane.Application.Common;

namespace ControlPlane.UnitTests.Common;

public sealed class ConcurrencyTokenTests
{
    [Theory]
    [InlineData("\"42\"", true)]
    [InlineData("W/\"42\"", true)]
    [InlineData("*", true)]
    [InlineData("\"41\", \"42\"", true)]
    [InlineData("\"41\"", false)]
    [InlineData("42", false)]
    public void If_match_values(string ifMatch, bool matches) => Assert.Equal(matches, ConcurrencyToken.Matches(ifMatch, 42));

    [Fact]
    public void Page_tokens_round_trip_and_garbage_is_refused()
    {
        var page = PageRequest.From(2, null);
        var result = page.ToPage(["a", "b", "c"], s => s, s => s.ToUpperInvariant());
        Assert.Equal(["A", "B"], result.Items);
        Assert.Equal("b", PageRequest.From(2, result.NextPageToken).After);
        Assert.Null(page.ToPage(["a", "b"], s => s, s => s).NextPageToken);
        Assert.Throws<ValidationFailedException>(() => PageRequest.From(null, "nonsense"));
        Assert.Throws<ValidationFailedException>(() => PageRequest.From(0, null));
    }
}
