using ControlPlane.Application.Abstractions;
using ControlPlane.Application.Audit;
using ControlPlane.Application.Slos;
using ControlPlane.Domain.Slos;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ControlPlane.IntegrationTests.Slos;

/// <summary>
/// The set-wise write of a pass (status, history point, state-change audit event) stores an evaluation only over the
/// spec it was computed from: an SLO redefined or deleted since the pass loaded it keeps what the tenant wrote.
/// </summary>
public sealed class SloEvaluationWriterTests(SloAppWithoutWorker app) : IClassFixture<SloAppWithoutWorker>
{
    private const string Tenant = "slo-writer";

    [Fact]
    public async Task An_evaluation_of_a_spec_redefined_or_deleted_since_it_was_loaded_is_not_stored()
    {
        await app.RegisterClusterWithPrometheusAsync("writer-slo", "writer-slo-region");
        using var client = await app.TenantWithPlacementsAsync(Tenant, "writer-slo-region", 1, "chat");
        object Spec(double objective) => new { placement = "chat", objective, window = "1d", indicator = new { kind = "availability", metrics = "otel-http" } };
        await (await client.PutAsJsonAsync($"/v1/tenants/{Tenant}/slos/chat", Spec(99))).ExpectAsync(HttpStatusCode.Created);

        // A pass loads the SLO, then the tenant redefines it before the pass stores: nothing of the pass lands.
        var stale = await EvaluatedAsync();
        await (await client.PutAsJsonAsync($"/v1/tenants/{Tenant}/slos/chat", Spec(98))).ExpectAsync(HttpStatusCode.OK);
        Assert.Empty(await StoreAsync(stale));
        var slo = await (await client.GetAsync($"/v1/tenants/{Tenant}/slos/chat")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(98, slo.GetProperty("objective").GetDouble());
        Assert.Equal("no-data", slo.SloState());
        Assert.Empty(await HistoryAsync(client));
        Assert.Equal(0, await StateChangesAsync());

        // Loaded again, it stores: status, one history point and the state change's audit event, at the row's new version.
        var fresh = await EvaluatedAsync();
        var stored = await StoreAsync(fresh);
        Assert.Equal(fresh.Slo.Id, Assert.Single(stored).Key);
        Assert.Equal(await app.ScalarSqlAsync<long>("SELECT xmin::text::bigint FROM slos WHERE name = 'chat'"), (long)stored[fresh.Slo.Id]);
        slo = await (await client.GetAsync($"/v1/tenants/{Tenant}/slos/chat")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("healthy", slo.SloState());
        Assert.Equal(0.999, slo.SloStatus().GetProperty("sli").GetDouble(), 9);
        Assert.Equal(0.02 - 0.001, slo.SloStatus().GetProperty("errorBudget").GetProperty("remaining").GetDouble(), 9);
        Assert.Equal("healthy", Assert.Single(await HistoryAsync(client)).GetProperty("state").GetString());
        Assert.Equal(1, await StateChangesAsync());

        // Deleted after a pass loaded it: nothing is stored (no row to update, no orphan history, no audit event).
        var orphan = await EvaluatedAsync();
        await (await client.DeleteAsync($"/v1/tenants/{Tenant}/slos/chat")).ExpectAsync(HttpStatusCode.NoContent);
        Assert.Empty(await StoreAsync(orphan));
        Assert.Equal(0L, await app.ScalarSqlAsync<long>("SELECT count(*) FROM slo_evaluations"));
        Assert.Equal(1, await StateChangesAsync());
    }

    /// <summary>The SLO as a pass loads it (untracked), assessed as a 1-day SLO with 0.1% errors, and its state change audited.</summary>
    private async Task<SloEvaluated> EvaluatedAsync()
    {
        using var scope = app.Services.CreateScope();
        var slo = await scope.ServiceProvider.GetRequiredService<IControlPlaneDb>().Slos.AsNoTracking().SingleAsync(s => s.Tenant == Tenant);
        var now = DateTimeOffset.UtcNow;
        var assessment = SloAssessment.From(slo.Objective, slo.WindowDuration, new Dictionary<TimeSpan, double> { [slo.WindowDuration] = 0.001 });
        var change = slo.Assessed(assessment, now) is { } previous
            ? scope.ServiceProvider.GetRequiredService<AuditTrail>().Event("slo.state-change", $"tenants/{Tenant}/slos/{slo.Name}", Tenant,
                new Dictionary<string, string> { ["from"] = previous.ToString(), ["to"] = slo.State.ToString() })
            : null;
        return new SloEvaluated(slo, SloEvaluation.Of(slo.Id, assessment, now), change);
    }

    private async Task<IReadOnlyDictionary<Guid, uint>> StoreAsync(SloEvaluated evaluation)
    {
        using var scope = app.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<ISloEvaluationWriter>().StoreAsync([evaluation], CancellationToken.None);
    }

    private static async Task<List<System.Text.Json.JsonElement>> HistoryAsync(HttpClient client) =>
        [.. (await (await client.GetAsync($"/v1/tenants/{Tenant}/slos/chat/history")).ExpectAsync(HttpStatusCode.OK)).GetProperty("points").EnumerateArray()];

    private async Task<int> StateChangesAsync()
    {
        using var op = await app.OperatorClientAsync();
        return (await (await op.GetAsync($"/v1/audit-events?tenant={Tenant}&pageSize=200")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items")
            .EnumerateArray().Count(e => e.GetProperty("action").GetString() == "slo.state-change");
    }
}
