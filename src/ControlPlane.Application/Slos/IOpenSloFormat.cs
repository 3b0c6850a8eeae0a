using ControlPlane.Domain.Slos;

namespace ControlPlane.Application.Slos;

/// <summary>
/// OpenSLO v1 documents (YAML; the YAML library lives in Infrastructure). The export carries the indicator the control
/// plane understands and the remediation rules in <c>controlplane.io/*</c> annotations next to the queries it builds; the
/// import reads those annotations (and name, service, window, target) and never the queries: tenants do not send PromQL.
/// </summary>
public interface IOpenSloFormat
{
    string Export(Slo slo);

    /// <summary>The SLO's name and spec; a <see cref="Common.ValidationFailedException"/> when the document is not one it can read.</summary>
    (string Name, PutSloRequest Request) Import(string document);
}

/// <summary>The annotation keys that carry the indicator through OpenSLO.</summary>
public static class OpenSloAnnotations
{
    public const string Kind = "controlplane.io/indicator";
    public const string Metrics = "controlplane.io/metrics";
    public const string ThresholdSeconds = "controlplane.io/threshold-seconds";
    public const string MaxCostPer1kInferences = "controlplane.io/max-cost-per-1k-inferences";

    /// <summary>The remediation rules as a JSON array, exactly as <c>PUT …/slos/{slo}</c> takes them.</summary>
    public const string Remediation = "controlplane.io/remediation";
}
