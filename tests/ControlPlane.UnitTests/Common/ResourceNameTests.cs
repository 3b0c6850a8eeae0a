using ControlPlane.Domain.Common;

namespace ControlPlane.UnitTests.Common;

public sealed class ResourceNameTests
{
    [Theory]
    [InlineData("a")]
    [InlineData("acme")]
    [InlineData("acme-prod-2")]
    [InlineData("0ab")]
    public void Dns1123_labels_are_valid(string name) => Assert.True(ResourceName.IsValid(name));

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("Acme")]
    [InlineData("-acme")]
    [InlineData("acme-")]
    [InlineData("ac_me")]
    [InlineData("ac.me")]
    public void Anything_else_is_invalid(string? name) => Assert.False(ResourceName.IsValid(name));

    [Fact]
    public void Sixty_three_characters_is_the_limit()
    {
        Assert.True(ResourceName.IsValid(new string('a', 63)));
        Assert.False(ResourceName.IsValid(new string('a', 64)));
    }

    [Fact]
    public void Labels_follow_kubernetes_syntax()
    {
        Assert.Empty(Labels.Validate(new Dictionary<string, string> { ["team"] = "ml", ["example.com/owner"] = "a.b_c-d", ["empty"] = "" }));
        Assert.Equal(["bad key", "k"], Labels.Validate(new Dictionary<string, string> { ["bad key"] = "v", ["k"] = "-bad" }).Select(e => e.Key));
    }
}
