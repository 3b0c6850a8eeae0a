using ControlPlane.Application.Audit;
using ControlPlane.Application.Billing;
using ControlPlane.Application.Clusters;
using ControlPlane.Application.Models;
using ControlPlane.Application.Placements;
using ControlPlane.Application.Reconciliation;
using ControlPlane.Application.Quotas;
using ControlPlane.Application.ServiceAccounts;
using ControlPlane.Application.Slos;
using ControlPlane.Application.Tenants;
using ControlPlane.Application.WorkloadIdentity;
using Microsoft.Extensions.DependencyInjection;

namespace ControlPlane.Application;

public static class DependencyInjection
{
    /// <summary>Registers the use cases. Infrastructure provides the ports they need.</summary>
    public static IServiceCollection AddControlPlaneApplication(this IServiceCollection services)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddScoped<AuditTrail>();
        services.AddScoped<AuditQueries>();
        services.AddScoped<TenantService>();
        services.AddScoped<TenantQueries>();
        services.AddScoped<QuotaService>();
        services.AddScoped<ServiceAccountService>();
        services.AddScoped<WorkloadIdentityBindingService>();
        services.AddScoped<ClusterConnections>();
        services.AddScoped<ClusterService>();
        services.AddScoped<NodePoolService>();
        services.AddScoped<ClusterCapacitySync>();
        services.AddScoped<FleetLoader>();
        services.AddSingleton<FleetCache>();
        services.AddScoped<CapacityLedger>();
        services.AddScoped<ModelReferenceResolver>();
        services.AddScoped<PlacementAdmission>();
        services.AddSingleton<AdmissionGate>();
        services.AddSingleton<AdmissionMetrics>();
        services.AddScoped<PlacementService>();
        services.AddScoped<PlacementReconciler>();
        services.AddScoped<PlacementObserver>();
        services.AddSingleton<BaselineCache>();
        services.AddScoped<ModelService>();
        services.AddScoped<ModelVersionService>();
        services.AddScoped<StoredBlobs>();
        services.AddScoped<ModelFileUploads>();
        services.AddScoped<ManifestVerifier>();
        services.AddScoped<ModelAliasService>();
        services.AddScoped<WorkloadIdentityVerifier>();
        services.AddScoped<WorkloadPullGrants>();
        services.AddScoped<WorkloadApiGrants>();
        services.AddSingleton<BillingMetrics>();
        services.AddScoped<PriceBookService>();
        services.AddScoped<UsageIngestion>();
        services.AddScoped<CostService>();
        services.AddScoped<StatementService>();
        services.AddScoped<BudgetService>();
        services.AddScoped<BudgetAlerts>();
        services.AddScoped<SpendGuard>();
        services.AddScoped<SystemMetering>();
        services.AddScoped<SloService>();
        services.AddScoped<SliReader>();
        services.AddScoped<CostSliReader>();
        services.AddScoped<SloRemediation>();
        services.AddScoped<SloEvaluator>();
        services.AddScoped<SloClusterReconciler>();
        services.AddSingleton<SloMetrics>();
        services.AddScoped<Rollouts.RolloutService>();
        services.AddScoped<Rollouts.RolloutTransitions>();
        services.AddScoped<Rollouts.RolloutAnalyzer>();
        services.AddScoped<Rollouts.RolloutProgression>();
        services.AddScoped<Rollouts.RolloutClusterReconciler>();
        services.AddScoped<Rollouts.CanaryObserver>();
        services.AddScoped<Rollouts.CanaryNameRule>();
        services.AddScoped<Rollouts.RolloutPhaseExport>();
        services.AddSingleton<Rollouts.RolloutMetrics>();
        return services;
    }
}
