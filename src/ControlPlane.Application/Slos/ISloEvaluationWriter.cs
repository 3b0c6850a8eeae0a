using ControlPlane.Domain.Audit;
using ControlPlane.Domain.Slos;

namespace ControlPlane.Application.Slos;

/// <summary>
/// One SLO's evaluation to store: the SLO as loaded (its version) with the assessment applied in memory
/// (<see cref="Slo.Assessed"/>), its history point, and the audit event of its state change if it changed.
/// </summary>
public sealed record SloEvaluated(Slo Slo, SloEvaluation Point, AuditEvent? StateChange);

/// <summary>Stores a pass's evaluations set-wise: a few statements for any number of SLOs, not a tracked entity per row.</summary>
public interface ISloEvaluationWriter
{
    /// <summary>
    /// In one transaction, writes each SLO's status, appends its history point and its state-change audit event —
    /// but only for an SLO still at the version it was loaded at: one redefined or deleted meanwhile keeps its new spec
    /// (a redefinition is due again at once) and gets nothing of this pass. Returns the SLOs stored: id → version after the write.
    /// </summary>
    Task<IReadOnlyDictionary<Guid, uint>> StoreAsync(IReadOnlyList<SloEvaluated> evaluations, CancellationToken cancellationToken);
}
