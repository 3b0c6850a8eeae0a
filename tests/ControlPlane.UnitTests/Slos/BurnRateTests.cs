using ControlPlane.Domain.Slos;

namespace ControlPlane.UnitTests.Slos;

public sealed class BurnRateTests
{
    private static readonly TimeSpan ThirtyDays = TimeSpan.FromDays(30);

    [Fact]
    public void A_30_day_window_uses_the_SRE_workbook_table()
    {
        var alerts = BurnRateWindows.AlertsFor(ThirtyDays);
        Assert.Equal(
        [
            ("page-1h", AlertSeverity.Page, "1h", "5m", 14.4),
            ("page-6h", AlertSeverity.Page, "6h", "30m", 6.0),
            ("ticket-1d", AlertSeverity.Ticket, "1d", "2h", 3.0),
            ("ticket-3d", AlertSeverity.Ticket, "3d", "6h", 1.0),
        ], alerts.Select(a => (a.Name, a.Severity, SloWindow.Format(a.Long), SloWindow.Format(a.Short), a.Factor)));
        Assert.Equal(["5m", "30m", "1h", "2h", "6h", "1d", "3d"], BurnRateWindows.For(ThirtyDays).Select(SloWindow.Format));
    }

    [Fact]
    public void Other_windows_scale_every_duration_and_keep_the_factors()
    {
        Assert.Equal(["4m40s", "28m", "56m", "1h52m", "5h36m", "22h24m", "2d19h12m"], BurnRateWindows.For(TimeSpan.FromDays(28)).Select(SloWindow.Format));
        // A 1-day SLO pages over 2 minutes and 10 seconds: short enough for tests against a real Prometheus.
        var page = BurnRateWindows.AlertsFor(TimeSpan.FromDays(1))[0];
        Assert.Equal((TimeSpan.FromMinutes(2), TimeSpan.FromSeconds(10), 14.4), (page.Long, page.Short, page.Factor));
    }

    [Theory]
    [InlineData("28d", 28 * 24 * 60)]
    [InlineData("90m", 90)]
    [InlineData("4w", 4 * 7 * 24 * 60)]
    public void Windows_parse_in_Prometheus_notation(string text, int minutes)
    {
        Assert.True(SloWindow.TryParse(text, out var window));
        Assert.Equal(TimeSpan.FromMinutes(minutes), window);
    }

    [Theory]
    [InlineData("28")]
    [InlineData("1.5d")]
    [InlineData("0d")]
    [InlineData("-1h")]
    [InlineData("1y")]
    [InlineData("")]
    public void Anything_else_is_not_a_window(string text) => Assert.False(SloWindow.TryParse(text, out _));

    [Fact]
    public void A_fast_burn_pages_and_a_burn_at_the_allowed_rate_does_not()
    {
        var window = TimeSpan.FromDays(30);
        var fast = SloAssessment.From(99.5, window, BurnRateWindows.For(window).Append(window).Distinct().ToDictionary(w => w, w => w <= TimeSpan.FromHours(1) ? 0.075 : 0.001));
        Assert.Equal(["page-1h"], fast.FiringAlerts);
        Assert.Equal(SloState.Burning, fast.State);
        Assert.True(fast.Holds(RemediationTrigger.FastBurn));
        Assert.False(fast.Holds(RemediationTrigger.BudgetExhausted));
        Assert.Equal(15, fast.BurnRates["5m"], 6);

        var steady = SloAssessment.From(99.5, window, BurnRateWindows.For(window).Append(window).Distinct().ToDictionary(w => w, _ => 0.004));
        Assert.Empty(steady.FiringAlerts);
        Assert.Equal(SloState.Healthy, steady.State);
        Assert.Equal(0.996, steady.Sli!.Value, 9);
        Assert.Equal(0.005, steady.Budget!.Total, 9);
        Assert.Equal(0.001, steady.Budget.Remaining, 9);
        Assert.Equal(0.2, steady.Budget.RemainingRatio, 9);
    }

    [Fact]
    public void A_spent_budget_is_exhausted_and_missing_data_concludes_nothing()
    {
        var window = TimeSpan.FromDays(1);
        var spent = SloAssessment.From(99, window, new Dictionary<TimeSpan, double> { [window] = 0.02 });
        Assert.Equal(SloState.Exhausted, spent.State);
        Assert.True(spent.Budget!.Exhausted);
        Assert.True(spent.Holds(RemediationTrigger.BudgetExhausted));

        var empty = SloAssessment.From(99, window, new Dictionary<TimeSpan, double>());
        Assert.Equal(SloState.NoData, empty.State);
        Assert.False(empty.Holds(RemediationTrigger.BudgetExhausted));
        Assert.False(SloAssessment.NoData("Prometheus down").Holds(RemediationTrigger.FastBurn));
    }

    [Fact]
    public void A_remediation_waits_for_its_cooldown_between_changes()
    {
        var t0 = new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);
        var slo = Slo.Define(Guid.NewGuid(), "acme", "chat-latency", "chat", 99.5, "28d",
            new SloIndicator(SloIndicatorKind.Latency, MetricsPreset.OtelHttp, 0.3, null), [new RemediationRule(RemediationTrigger.BudgetExhausted, RemediationAction.FreezeRollouts)], t0);
        Assert.True(slo.CooledDown(RemediationAction.FreezeRollouts, TimeSpan.FromMinutes(10), t0));
        slo.Took(new ActiveRemediation(RemediationAction.FreezeRollouts, t0, "frozen"));
        Assert.True(slo.RolloutsFrozen);
        Assert.False(slo.CooledDown(RemediationAction.FreezeRollouts, TimeSpan.FromMinutes(10), t0.AddMinutes(9)));
        Assert.True(slo.CooledDown(RemediationAction.FreezeRollouts, TimeSpan.FromMinutes(10), t0.AddMinutes(10)));
        slo.Reverted(RemediationAction.FreezeRollouts, t0.AddMinutes(10));
        Assert.False(slo.RolloutsFrozen);
    }
}
