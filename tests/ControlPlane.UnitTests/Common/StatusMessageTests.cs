using ControlPlane.Domain.Common;
using ControlPlane.Domain.Placements;

namespace ControlPlane.UnitTests.Common;

public sealed class StatusMessageTests
{
    [Fact]
    public void A_message_that_fits_is_kept_and_a_longer_one_is_cut_to_the_column_with_an_ellipsis()
    {
        Assert.Null(StatusMessage.Fit(null));
        var fits = new string('a', StatusMessage.MaxLength);
        Assert.Same(fits, StatusMessage.Fit(fits));

        var cut = StatusMessage.Fit(new string('b', 10_000))!;
        Assert.Equal(StatusMessage.MaxLength, cut.Length);
        Assert.EndsWith("…", cut, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cut_never_splits_a_surrogate_pair()
    {
        var message = new string('c', StatusMessage.MaxLength - 2) + string.Concat(Enumerable.Repeat("😀", 10));
        var cut = StatusMessage.Fit(message)!;
        Assert.True(cut.Length <= StatusMessage.MaxLength);
        Assert.False(char.IsHighSurrogate(cut[^2]));
        Assert.Equal(cut, System.Text.Encoding.UTF8.GetString(System.Text.Encoding.UTF8.GetBytes(cut)));
    }

    [Fact]
    public void A_placement_and_its_transition_keep_a_long_cluster_message_cut_to_fit()
    {
        var (placement, _) = Placement.Admit(Guid.NewGuid(), "t", "p",
            new PlacementSpec(ControlPlane.Domain.Scheduling.PlacementKind.Inference, "img:1", [], [], new Dictionary<string, string>(), 1, 1, "h100", 1,
                null, null, null, PlacementPriority.Normal, false, []),
            Guid.NewGuid(), "c", Guid.NewGuid(), "pool", null, 1m, "{}", DateTimeOffset.UnixEpoch);
        var transition = placement.MoveTo(PlacementPhase.Failed, DateTimeOffset.UnixEpoch, "the cluster refused: " + new string('x', 5000))!;
        Assert.Equal(StatusMessage.MaxLength, placement.Message!.Length);
        Assert.Equal(StatusMessage.MaxLength, transition.Message!.Length);
    }
}
