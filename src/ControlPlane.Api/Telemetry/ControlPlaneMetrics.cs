using System.Diagnostics.Metrics;

namespace ControlPlane.Api.Telemetry;

/// <summary>The project's own meters, exported at /metrics next to ASP.NET Core's.</summary>
public sealed class ControlPlaneMetrics
{
    public const string MeterName = "ControlPlane";

    private readonly Counter<long> _tokensIssued;
    private volatile IReadOnlyDictionary<string, long> _tenantsByState = new Dictionary<string, long>();

    public ControlPlaneMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _tokensIssued = meter.CreateCounter<long>("controlplane.tokens.issued", unit: "{token}",
            description: "Access tokens issued at /connect/token, by client type.");
        meter.CreateObservableGauge("controlplane.tenants",
            () => _tenantsByState.Select(kv => new Measurement<long>(kv.Value, new KeyValuePair<string, object?>("state", kv.Key))),
            unit: "{tenant}", description: "Tenants by state.");
    }

    public void TokenIssued(string clientType) =>
        _tokensIssued.Add(1, new KeyValuePair<string, object?>("client_type", clientType));

    /// <summary>Tenant counts are refreshed by <see cref="TenantCountRefresher"/>: a scrape never waits on the database.</summary>
    public void SetTenantCounts(IReadOnlyDictionary<string, long> counts) => _tenantsByState = counts;
}
