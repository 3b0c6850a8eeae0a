using ControlPlane.Application.Billing;
using ControlPlane.Infrastructure.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ControlPlane.Infrastructure.Billing;

/// <summary>
/// Every Metering:Interval: accrues GPU-seconds and storage byte-hours, records budget threshold crossings and closes
/// months past their grace period. Safe in any number of replicas (watermark row locks, idempotent event ids,
/// primary keys on alerts and statements). Each step, and within it each tenant (or month), runs in its own scope and
/// transactions: a failure is logged and counted (controlplane_worker_failures_total{worker="metering",step}) and everything else in
/// the pass still runs, so one tenant's bad data can never stop metering, alerts or closing for the others.
/// </summary>
internal sealed class MeteringWorker(IServiceScopeFactory scopes, IOptions<MeteringOptions> options, TimeProvider clock,
    WorkerMetrics metrics, ILogger<MeteringWorker> logger) : PeriodicWorker(clock, metrics, logger)
{
    public const string Accrual = "accrual";
    public const string Watermarks = "watermarks";
    public const string BudgetAlerting = "budget-alerts";
    public const string Closing = "closing";

    protected override TimeSpan Interval => options.Value.Interval;

    protected override string Activity => "Metering";

    /// <summary>One pass at the worker clock's now (tests run it with a clock of their own).</summary>
    internal async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        var now = Clock.GetUtcNow();
        await StepAsync<SystemMetering, Guid>(Accrual, (m, ct) => m.TenantsAsync(ct), (m, tenant, ct) => m.AccrueAsync(tenant, now, ct),
            cancellationToken);
        await StepAsync<SystemMetering>(Watermarks, (m, ct) => m.ReportWatermarksAsync(ct), cancellationToken);
        await StepAsync<BudgetAlerts, Guid>(BudgetAlerting, (b, ct) => b.TenantsAsync(ct), (b, tenant, ct) => b.EvaluateAsync(tenant, ct),
            cancellationToken);
        await StepAsync<StatementService, (Guid Tenant, DateOnly Month)>(Closing, (s, ct) => s.DueAsync(ct),
            (s, due, ct) => s.CloseDueAsync(due.Tenant, due.Month, ct), cancellationToken);
    }

    protected override Task RunPassAsync(CancellationToken cancellationToken) => RunOnceAsync(cancellationToken);

    private Task StepAsync<TService>(string step, Func<TService, CancellationToken, Task> work, CancellationToken cancellationToken)
        where TService : notnull =>
        StepAsync<TService, string>(step, (_, _) => Task.FromResult<IReadOnlyList<string>>(["all"]), (service, _, ct) => work(service, ct),
            cancellationToken);

    /// <summary>Lists a step's items, then does each in a fresh scope; a failure of the list or of one item is contained.</summary>
    private async Task StepAsync<TService, TItem>(string step, Func<TService, CancellationToken, Task<IReadOnlyList<TItem>>> list,
        Func<TService, TItem, CancellationToken, Task> each, CancellationToken cancellationToken)
        where TService : notnull
    {
        IReadOnlyList<TItem> items = [];
        await RunStepAsync(step, null, async () =>
        {
            using var scope = scopes.CreateScope();
            items = await list(scope.ServiceProvider.GetRequiredService<TService>(), cancellationToken);
        }, cancellationToken);

        foreach (var item in items)
        {
            await RunStepAsync(step, null, async () =>
            {
                using var scope = scopes.CreateScope();
                await each(scope.ServiceProvider.GetRequiredService<TService>(), item, cancellationToken);
            }, cancellationToken, item?.ToString());
        }
    }
}
