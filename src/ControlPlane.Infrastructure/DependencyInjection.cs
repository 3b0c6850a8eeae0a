using ControlPlane.Application.Abstractions;
using ControlPlane.Application.Audit;
using ControlPlane.Application.Billing;
using ControlPlane.Application.Clusters;
using ControlPlane.Application.Models;
using ControlPlane.Application.Placements;
using ControlPlane.Application.Quotas;
using ControlPlane.Application.Reconciliation;
using ControlPlane.Application.Tenants;
using ControlPlane.Application.WorkloadIdentity;
using ControlPlane.Infrastructure.Audit;
using ControlPlane.Infrastructure.Billing;
using ControlPlane.Infrastructure.Clusters;
using ControlPlane.Infrastructure.Health;
using ControlPlane.Infrastructure.Hosting;
using ControlPlane.Infrastructure.Idempotency;
using ControlPlane.Infrastructure.Identity;
using ControlPlane.Infrastructure.Identity.Revocation;
using ControlPlane.Infrastructure.Identity.TokenRequests;
using ControlPlane.Infrastructure.Kubernetes;
using ControlPlane.Infrastructure.Models;
using ControlPlane.Infrastructure.ObjectStore;
using ControlPlane.Infrastructure.Persistence;
using ControlPlane.Infrastructure.Persistence.Notifications;
using ControlPlane.Infrastructure.Placements;
using ControlPlane.Infrastructure.Quotas;
using ControlPlane.Infrastructure.Reconciliation;
using ControlPlane.Infrastructure.Security;
using ControlPlane.Infrastructure.Rollouts;
using ControlPlane.Infrastructure.Slos;
using ControlPlane.Infrastructure.Tenants;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using OpenIddict.Validation.AspNetCore;

namespace ControlPlane.Infrastructure;

public static class DependencyInjection
{
    /// <summary>Database, OIDC server and token validation. Fails fast on missing configuration.</summary>
    public static IServiceCollection AddControlPlaneInfrastructure(this IServiceCollection services, IConfiguration configuration)
    {
        var connectionString = WithPoolDefaults(configuration.GetConnectionString(DatabaseOptions.ConnectionStringName));
        // Checked when the host starts (not here), so that build-time OpenAPI generation runs without a database.
        services.AddOptions<DatabaseOptions>().Bind(configuration.GetSection(DatabaseOptions.Section))
            .Validate(_ => !string.IsNullOrWhiteSpace(connectionString),
                $"ConnectionStrings:{DatabaseOptions.ConnectionStringName} is not set (e.g. Host=127.0.0.1;Port=5432;Username=controlplane;Database=controlplane).")
            .ValidateOnStart();
        services.AddOptions<IdentityOptions>().Bind(configuration.GetSection(IdentityOptions.Section)).ValidateDataAnnotations()
            // Derived from the request, the issuer would follow whatever Host header a client sends.
            .Validate<IHostEnvironment>((identity, environment) => identity.Issuer is not null || environment.IsDevelopment(),
                "Identity:Issuer is not set: outside Development it is required (the service's public URL, e.g. https://controlplane.example.com/).")
            .ValidateOnStart();
        services.Configure<BootstrapOptions>(configuration.GetSection(BootstrapOptions.Section));

        services.AddSingleton<FleetChangeNotices>();
        services.AddSingleton<IFleetChanges>(sp => sp.GetRequiredService<FleetChangeNotices>());
        services.AddSingleton<INotificationChannel>(sp => sp.GetRequiredService<FleetChangeNotices>());
        services.AddSingleton<FleetChangeInterceptor>();
        services.AddHostedService<NotificationListener>();
        services.AddDbContextPool<ControlPlaneDbContext>((sp, options) => options
            .UseNpgsql(connectionString ?? "", npgsql => npgsql.MigrationsAssembly(DatabaseOptions.MigrationsAssembly))
            .UseSnakeCaseNamingConvention()
            .UseOpenIddict()
            .AddInterceptors(sp.GetRequiredService<FleetChangeInterceptor>()));
        services.AddScoped<ICapacityReservations, PostgresCapacityReservations>();
        services.AddScoped<IPlacementLocks, PostgresPlacementLocks>();
        services.AddScoped<IQuotaLocks, PostgresQuotaLocks>();
        services.AddScoped<INodePoolLocks, PostgresNodePoolLocks>();
        services.AddScoped<IModelLocks, PostgresModelLocks>();
        services.AddScoped<IBudgetAlertLog, PostgresBudgetAlertLog>();
        services.AddScoped<IPriceBookWriters, PostgresPriceBookWriters>();
        services.AddScoped<IControlPlaneDb>(sp => sp.GetRequiredService<ControlPlaneDbContext>());
        services.AddScoped<ITenantReads, CompiledTenantReads>();
        services.AddSingleton(_ => NpgsqlDataSource.Create(connectionString!));
        services.AddSingleton<GroupCommitAuditLog>();
        services.AddSingleton<IAuditLog>(sp => sp.GetRequiredService<GroupCommitAuditLog>());
        services.AddHostedService(sp => sp.GetRequiredService<GroupCommitAuditLog>());
        services.AddScoped<IIdempotencyStore, PostgresIdempotencyStore>();
        services.AddOptions<IdempotencyOptions>().Bind(configuration.GetSection(IdempotencyOptions.Section)).ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IdempotencyKeyExpiry>();
        if (configuration.GetValue(IdempotencyOptions.Section + ":" + nameof(IdempotencyOptions.PruneExpired), true))
        {
            services.AddHostedService<IdempotencyKeyPruner>();
        }

        services.AddScoped<IClientCredentialsStore, OpenIddictClientCredentialsStore>();
        services.AddScoped<PostgresTokenRevoker>();
        services.AddScoped<ITokenRevoker>(sp => sp.GetRequiredService<PostgresTokenRevoker>());
        services.AddSingleton<OperatorClientSeeder>();
        services.AddSingleton<DatabaseMigrator>();
        services.AddSingleton<WorkerMetrics>();
        services.AddHealthChecks().AddCheck<DatabaseReadinessCheck>("database", tags: ["ready"]);

        services.AddControlPlaneIdentity(configuration);
        services.AddControlPlaneReconciliation(configuration);
        services.AddObjectStore(configuration);
        services.AddOptions<ModelRegistryOptions>().Bind(configuration.GetSection(ModelRegistryOptions.Section))
            .Validate(o => o.UploadUrlLifetime > TimeSpan.Zero && o.UploadUrlLifetime <= TimeSpan.FromMinutes(15),
                "ModelRegistry:UploadUrlLifetime must be between 0 and 15 minutes.")
            .Validate(o => o.PullCredentialLifetime > TimeSpan.Zero && o.PullCredentialLifetime <= TimeSpan.FromHours(1),
                "ModelRegistry:PullCredentialLifetime must be between 0 and 1 hour.")
            .Validate(o => o.MultipartThresholdBytes is >= 1 and <= Domain.Models.MultipartUpload.MaxPartSizeBytes,
                "ModelRegistry:MultipartThresholdBytes must be between 1 byte and 5 GiB (a single PUT holds at most 5 GiB).")
            .Validate(o => o.MultipartPartSizeBytes is >= Domain.Models.MultipartUpload.MinPartSizeBytes and <= Domain.Models.MultipartUpload.MaxPartSizeBytes,
                "ModelRegistry:MultipartPartSizeBytes must be between 5 MiB and 5 GiB (S3's part limits).")
            .ValidateOnStart();
        services.AddSingleton<ITokenMinter, ModelPullTokenMinter>();
        services.AddControlPlaneBilling(configuration);
        services.AddControlPlaneSlos(configuration);
        services.AddControlPlaneRollouts(configuration);
        return services;
    }

    /// <summary>
    /// Pool settings for a service that checks a connection out many times per request, unless the connection string
    /// says otherwise:
    /// <list type="bullet">
    /// <item>The hot queries (tenant by name, quota rows) repeat constantly: Npgsql prepares them server-side (set
    /// Max Auto Prepare=0 behind a transaction-pooling PgBouncer).</item>
    /// <item>No reset when a connection goes back to the pool: the reset is seven statements (RESET ALL, CLOSE ALL,
    /// UNLISTEN *, pg_advisory_unlock_all(), …) parsed by PostgreSQL on the next checkout, about 7 per admission with
    /// its reconcile. Nothing here leaves session state behind: advisory locks are transaction-scoped, no session SET,
    /// no temporary tables, and the one LISTEN connection unlistens before it is returned.</item>
    /// </list>
    /// </summary>
    internal static string? WithPoolDefaults(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return connectionString;
        }

        // What the string itself sets (NpgsqlConnectionStringBuilder.ContainsKey answers whether a keyword exists at all).
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString }.Keys.Cast<string>()
            .Select(key => key.Replace(" ", "", StringComparison.Ordinal)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        if (!given.Contains("MaxAutoPrepare"))
        {
            builder.MaxAutoPrepare = 64;
            builder.AutoPrepareMinUsages = 2;
        }

        if (!given.Contains("NoResetOnClose"))
        {
            builder.NoResetOnClose = true;
        }

        return builder.ConnectionString;
    }

    private static void AddControlPlaneReconciliation(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<ClusterOptions>(configuration.GetSection(ClusterOptions.Section));
        services.Configure<ReconcilerOptions>(configuration.GetSection(ReconcilerOptions.Section));
        services.AddOptions<CredentialEncryptionOptions>().Bind(configuration.GetSection(CredentialEncryptionOptions.Section))
            .Validate(o => o.Keys.Count > 0, "CredentialEncryption:Keys is empty: configure a base64 AES-256 key (cluster credentials are encrypted with it).")
            .ValidateOnStart();
        services.AddSingleton<ICredentialProtector, AesGcmCredentialProtector>();
        services.AddScoped<IReconcileQueue, PostgresReconcileQueue>();
        services.AddSingleton<ReconcilerMetrics>();
        services.AddKubernetesClusterGateway();
        if (configuration.GetValue(ReconcilerOptions.Section + ":" + nameof(ReconcilerOptions.Enabled), true))
        {
            services.AddHostedService<ReconcilerWorker>();
            services.AddHostedService<PlacementObserverWorker>();
            services.AddHostedService<ClusterSyncWorker>();
        }
    }

    private static void AddControlPlaneBilling(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<BillingOptions>().Bind(configuration.GetSection(BillingOptions.Section))
            .Validate(o => o.MaxFutureSkew >= TimeSpan.Zero && o.MaxFutureSkew <= TimeSpan.FromDays(1), "Billing:MaxFutureSkew must be between 0 and 1 day.")
            .Validate(o => o.AdmissionCostHorizon > TimeSpan.Zero, "Billing:AdmissionCostHorizon must be positive.")
            .Validate(o => o.StatementGracePeriod >= TimeSpan.Zero, "Billing:StatementGracePeriod must not be negative.")
            .ValidateOnStart();
        services.AddOptions<MeteringOptions>().Bind(configuration.GetSection(MeteringOptions.Section))
            .Validate(o => o.Interval > TimeSpan.Zero, "Metering:Interval must be positive.").ValidateOnStart();
        services.AddScoped<IUsageStore, PostgresUsageStore>();
        if (configuration.GetValue(MeteringOptions.Section + ":" + nameof(MeteringOptions.Enabled), true))
        {
            services.AddHostedService<MeteringWorker>();
        }
    }

    private static void AddControlPlaneIdentity(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<RevocationEpochs>();
        services.AddScoped<IssuanceEpochs>();
        services.AddScoped<IBoundServiceAccounts, BoundServiceAccountsWithEpochs>();
        services.AddSingleton<RevocationTable>();
        if (configuration.GetValue(IdentityOptions.Section + ":" + nameof(IdentityOptions.FollowRevocations), true))
        {
            services.AddSingleton<INotificationChannel, RevocationChannel>();
            services.AddHostedService<RevocationPoller>();
        }
        services.AddSingleton<IConfigureOptions<OpenIddictServerOptions>, SigningKeyLoader>();
        services.AddSingleton<IssuerConfigurator>();
        services.AddSingleton<IConfigureOptions<OpenIddictServerOptions>>(sp => sp.GetRequiredService<IssuerConfigurator>());
        services.AddSingleton<IConfigureOptions<OpenIddictServerAspNetCoreOptions>>(sp => sp.GetRequiredService<IssuerConfigurator>());

        services.AddOpenIddict()
            .AddCore(core => core.UseEntityFrameworkCore().UseDbContext<ControlPlaneDbContext>())
            .AddCore(core => core.ReplaceApplicationManager<OpenIddict.EntityFrameworkCore.Models.OpenIddictEntityFrameworkCoreApplication, FastSecretApplicationManager>()
                .ReplaceApplicationStore<OpenIddict.EntityFrameworkCore.Models.OpenIddictEntityFrameworkCoreApplication, ClientWithEpochsStore>())
            .AddServer(server =>
            {
                server.SetTokenEndpointUris("connect/token");
                server.AllowClientCredentialsFlow();
                // Workload identity: pods exchange their projected service-account token (no client secret) for a
                // model-pull token, or for an API token when bound to a service account. Anonymous clients are accepted for that grant only: client_credentials still
                // requires a client id and secret.
                server.AllowTokenExchangeFlow();
                server.AcceptAnonymousClients();
                server.Configure(options => options.SubjectTokenTypes.Add(WorkloadTokenExchange.SubjectTokenType));
                // The one audience an exchange may ask for: an API token as the service account the workload is bound to.
                server.RegisterAudiences(ControlPlaneClaims.ApiAudience);
                server.AddEventHandler(ServiceAccountSubjectTokenValidator.Descriptor);
                server.AddEventHandler(RevocationEpochStamper.Descriptor);
                server.AddEventHandler(UniformClientError.Descriptor);
                // The only resources are model-version digests, checked against the workload's tenant by the token
                // endpoint itself (invalid_target); OpenIddict's static resource list cannot know them.
                server.DisableResourceValidation();
                // Access tokens are plain signed JWTs that any standard library can verify against the JWKS.
                server.DisableAccessTokenEncryption();
                server.AddEphemeralEncryptionKey();
                // Client-credentials tokens are short-lived and self-contained: no per-token row to write or read.
                server.DisableTokenStorage();
                server.DisableAuthorizationStorage();
                server.UseAspNetCore().EnableTokenEndpointPassthrough();
            })
            .AddValidation(validation =>
            {
                validation.UseLocalServer();
                validation.Configure(options => options.JsonWebTokenHandler = new ValidatedTokenCache(TimeProvider.System));
                validation.AddAudiences(ControlPlaneClaims.ApiAudience);
                validation.AddEventHandler(RevokedTokenRejector.Descriptor);
                // Only the Authorization header: tokens in URLs end up in proxy logs, browser history and Referer headers.
                validation.UseAspNetCore().DisableAccessTokenExtractionFromQueryString().DisableAccessTokenExtractionFromBodyForm();
            });

        services.AddAuthentication(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme);
    }
}
