using ControlPlane.Domain.Common;

namespace ControlPlane.UnitTests.Common;

public sealed class StorableTextTests
{
    [Theory]
    [InlineData("plain", true)]
    [InlineData("line one\nline two\r\n\tindented", true)]
    [InlineData("emoji \U0001F680 and accents é", true)]
    [InlineData("a\0b", false)]
    [InlineData("bell\u0007", false)]
    [InlineData("\u001b[31mred", false)]
    [InlineData("del\u007f", false)]
    [InlineData("c1\u0085", false)]
    public void Text_is_storable_without_nul_control_characters_or_unpaired_surrogates(string text, bool storable) =>
        Assert.Equal(storable, StorableText.IsStorable(text));

    [Fact]
    public void Unpaired_surrogates_are_not_storable()
    {
        // Built at run time: attribute arguments cannot carry an unpaired surrogate (metadata stores UTF-8).
        Assert.False(StorableText.IsStorable("lone " + (char)0xD800 + " high"));
        Assert.False(StorableText.IsStorable("lone " + (char)0xDC00 + " low"));
        Assert.False(StorableText.IsStorable(string.Concat((char)0xDC00, (char)0xD800)));
        Assert.True(StorableText.IsStorable(string.Concat((char)0xD83D, (char)0xDE80)));
    }

    [Fact]
    public void Supported_time_excludes_the_ends_of_the_calendar()
    {
        Assert.False(SupportedTime.Contains(DateTimeOffset.MinValue));
        Assert.False(SupportedTime.Contains(DateTimeOffset.MaxValue));
        Assert.False(SupportedTime.Contains(SupportedTime.Latest));
        Assert.True(SupportedTime.Contains(SupportedTime.Earliest));
        Assert.True(SupportedTime.Contains(new DateTimeOffset(2026, 11, 29, 0, 0, 0, TimeSpan.Zero)));
    }
}
