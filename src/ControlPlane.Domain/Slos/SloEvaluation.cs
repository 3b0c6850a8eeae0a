namespace ControlPlane.Domain.Slos;

/// <summary>One stored evaluation of an SLO: the series behind its history graph.</summary>
public sealed class SloEvaluation
{
    private SloEvaluation()
    {
    }

    public long Id { get; private set; }
    public Guid SloId { get; private set; }
    public DateTimeOffset At { get; private set; }
    public SloState State { get; private set; }
    public double? Sli { get; private set; }
    public double? BudgetRemaining { get; private set; }
    public Dictionary<string, double> BurnRates { get; private set; } = [];

    public static SloEvaluation Of(Guid sloId, SloAssessment assessment, DateTimeOffset at) => new()
    {
        SloId = sloId, At = at, State = assessment.State, Sli = assessment.Sli, BudgetRemaining = assessment.Budget?.Remaining,
        BurnRates = new Dictionary<string, double>(assessment.BurnRates, StringComparer.Ordinal),
    };
}
