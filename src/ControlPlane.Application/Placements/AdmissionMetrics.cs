using System.Diagnostics.Metrics;
using ControlPlane.Application.Common;
using ControlPlane.Domain.Common;

namespace ControlPlane.Application.Placements;

/// <summary>
/// Admissions by outcome (controlplane_admissions_total{outcome}), read by the recording rule
/// controlplane:admissions:rate5m_by_outcome and the dashboard's "Admissions by outcome" panel.
/// </summary>
public sealed class AdmissionMetrics
{
    public const string Admitted = "admitted";

    private readonly Counter<long> _admissions;

    public AdmissionMetrics(IMeterFactory meters)
    {
        var meter = meters.Create("ControlPlane");
        _admissions = meter.CreateCounter<long>("controlplane.admissions", unit: "{admission}",
            description: "Placement admissions by outcome: admitted, or the refusal's problem code (quota-exceeded, insufficient-capacity, unschedulable, budget-exceeded, invalid, …).");
    }

    public void Counted(string outcome) => _admissions.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    /// <summary>The outcome label of a refused admission: the stable problem code clients also see.</summary>
    public static string OutcomeOf(Exception refusal) => refusal switch
    {
        ConflictException e => e.Code,
        UnprocessableException e => e.Code,
        DomainRuleViolation e => e.Code,
        ValidationFailedException => "invalid",
        ResourceNotFoundException => "not-found",
        _ => "error",
    };
}
