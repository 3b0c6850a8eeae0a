using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using ControlPlane.KubernetesEmulator;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ControlPlane.IntegrationTests.Fixtures;

/// <summary>
/// The real service in-process (WebApplicationFactory) on its own database cloned from the migrated template.
/// One instance per test class (IClassFixture); everything goes through HTTP.
/// </summary>
public class ControlPlaneApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string OperatorClientId = "operator";
    public const string OperatorClientSecret = "operator-test-secret-0123456789abcdef";

    private readonly Dictionary<string, string?> _settings = new();
    private readonly Dictionary<(string, string), string> _tokens = new();

    public string ConnectionString { get; private set; } = "";

    /// <summary>Settings a test class needs beyond the defaults (e.g. a low rate limit).</summary>
    protected virtual IReadOnlyDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>();

    /// <summary>This class's database: a copy of the template on the shared server unless a fixture brings its own.</summary>
    protected virtual Task<string> CreateDatabaseAsync() => PostgresServer.CreateDatabaseAsync(GetType().Name);

    public async Task InitializeAsync()
    {
        ConnectionString = await CreateDatabaseAsync();
        var bucket = await (await S3Server.StartAsync()).CreateBucketAsync(GetType().Name);
        _settings["ObjectStore:ServiceUrl"] = bucket.ServiceUrl;
        _settings["ObjectStore:Bucket"] = bucket.Bucket;
        _settings["ObjectStore:AccessKey"] = bucket.AccessKey;
        _settings["ObjectStore:SecretKey"] = bucket.SecretKey;
        _settings["ConnectionStrings:ControlPlane"] = ConnectionString;
        _settings["Database:MigrateOnStartup"] = "true";
        _settings["Bootstrap:OperatorClientId"] = OperatorClientId;
        _settings["Bootstrap:OperatorClientSecret"] = OperatorClientSecret;
        _settings["Identity:PersistGeneratedKeys"] = "true";
        _settings["Identity:AllowInsecureHttp"] = "true";
        _settings["RateLimiting:PermitsPerSecond"] = "100000";
        _settings["RateLimiting:Burst"] = "100000";
        // Every request of a class shares one (absent) source address: a few wrong-secret tests must not lock the rest out.
        _settings["LoginThrottling:FailuresPerClient"] = "100000";
        _settings["LoginThrottling:FailuresPerAddress"] = "100000";
        _settings["Serilog:MinimumLevel:Default"] = "Warning";
        _settings["Clusters:AllowInsecureApiServers"] = "true";
        _settings["CredentialEncryption:Keys:test-1"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        _settings["Reconciler:PollInterval"] = "00:00:00.050";
        _settings["Reconciler:ObserveInterval"] = "00:00:00.100";
        _settings["Reconciler:InitialBackoff"] = "00:00:00.100";
        _settings["Reconciler:MaxBackoff"] = "00:00:01";
        _settings["Reconciler:LeaseDuration"] = "00:00:05";
        foreach (var (key, value) in ExtraSettings)
        {
            _settings[key] = value;
        }

        _ = Server; // start now, so that migration and seeding failures surface here
    }

    public new async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_emulator is not null)
        {
            await _emulator.DisposeAsync();
        }
    }

    private KubernetesApiEmulator? _emulator;

    /// <summary>The Kubernetes API emulator this class's clusters point at (started on first use).</summary>
    public async Task<KubernetesApiEmulator> EmulatorAsync() => _emulator ??= await KubernetesApiEmulator.StartAsync();

    /// <summary>Log events the service wrote, for asserting what never appears in them.</summary>
    public CapturedLogs Logs { get; } = new();

    private readonly Dictionary<string, Task<object>> _arranged = new(StringComparer.Ordinal);

    /// <summary>
    /// Runs <paramref name="arrange"/> once per fixture (xunit builds a new test-class instance per test) and hands
    /// every later caller the same result: for a class whose tests share one expensive world.
    /// </summary>
    public async Task<T> ArrangeOnceAsync<T>(string key, Func<Task<T>> arrange)
        where T : notnull
    {
        Task<object> arranged;
        lock (_arranged)
        {
            if (!_arranged.TryGetValue(key, out arranged!))
            {
                arranged = _arranged[key] = Arrange();
            }
        }

        return (T)await arranged;

        async Task<object> Arrange() => await arrange();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.ConfigureServices(services => services.AddSingleton<Serilog.Core.ILogEventSink>(Logs));
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }

    /// <summary>A client-credentials access token (cached per client for the class's lifetime).</summary>
    public async Task<string> TokenAsync(string clientId, string clientSecret)
    {
        if (_tokens.TryGetValue((clientId, clientSecret), out var cached))
        {
            return cached;
        }

        using var response = await RequestTokenAsync(clientId, clientSecret);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"token request failed: {(int)response.StatusCode} {body}");
        var token = JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!;
        _tokens[(clientId, clientSecret)] = token;
        return token;
    }

    /// <summary>A token requested now rather than the cached one, which a revocation (suspension, rotation) refuses.</summary>
    public async Task<string> NewTokenAsync(string clientId, string clientSecret)
    {
        _tokens.Remove((clientId, clientSecret));
        return await TokenAsync(clientId, clientSecret);
    }

    public async Task<HttpResponseMessage> RequestTokenAsync(string clientId, string clientSecret)
    {
        using var client = CreateClient();
        return await client.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId,
            ["client_secret"] = clientSecret,
        }));
    }

    /// <summary>An HTTP client authenticated with <paramref name="token"/>.</summary>
    public HttpClient ClientWithToken(string token)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public async Task<HttpClient> OperatorClientAsync() => ClientWithToken(await TokenAsync(OperatorClientId, OperatorClientSecret));

    /// <summary>Creates a tenant (as operator) with a GPU quota, and a service account of <paramref name="role"/> in it.</summary>
    public async Task<TenantPrincipal> CreateTenantWithAccountAsync(string tenant, string role = "tenant-admin")
    {
        using var op = await OperatorClientAsync();
        (await op.PostAsJsonAsync("/v1/tenants", new { name = tenant, displayName = tenant.ToUpperInvariant() })).EnsureSuccessStatusCode();
        return await CreateAccountAsync(tenant, "ci-" + role, role);
    }

    public async Task<TenantPrincipal> CreateAccountAsync(string tenant, string name, string role)
    {
        using var op = await OperatorClientAsync();
        var created = await op.PostAsJsonAsync($"/v1/tenants/{tenant}/service-accounts", new { name, role });
        var body = await created.Content.ReadAsStringAsync();
        Assert.True(created.IsSuccessStatusCode, body);
        var json = JsonDocument.Parse(body).RootElement;
        var clientId = json.GetProperty("clientId").GetString()!;
        var secret = json.GetProperty("clientSecret").GetString()!;
        return new TenantPrincipal(tenant, name, clientId, secret, await TokenAsync(clientId, secret));
    }
}

/// <summary>A tenant's service account with its credentials and a token.</summary>
public sealed record TenantPrincipal(string Tenant, string Name, string ClientId, string ClientSecret, string Token);
