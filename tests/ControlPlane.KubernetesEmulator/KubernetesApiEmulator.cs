using System.Globalization;
using System.Security.Cryptography;
using ControlPlane.KubernetesEmulator.Faults;
using ControlPlane.KubernetesEmulator.Http;
using k8s;

namespace ControlPlane.KubernetesEmulator;

/// <summary>
/// An in-process Kubernetes API server for tests: real REST wire protocol on http://127.0.0.1 with a
/// dynamic port, bearer-token authentication, an in-memory object store, a request log and fault
/// injection. Drive it with the real KubernetesClient through <see cref="ClientConfiguration"/>.
/// </summary>
public sealed partial class KubernetesApiEmulator : IAsyncDisposable
{
    private readonly EmulatorState _state;
    private readonly SemaphoreSlim _listening = new(1, 1);
    private EmulatorHost? _host;

    private KubernetesApiEmulator(EmulatorState state, EmulatorHost host)
    {
        _state = state;
        _host = host;
        BaseAddress = host.Address;
    }

    /// <summary>The server address, e.g. <c>http://127.0.0.1:41234/</c>; it stays the same across <see cref="ResumeListeningAsync"/>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The token every request must carry as <c>Authorization: Bearer …</c>; others get a 401 Status.</summary>
    public string BearerToken => _state.BearerToken;

    /// <summary>Failures and latency to add to requests; changes take effect on the next request.</summary>
    public FaultInjector Faults => _state.Faults;

    /// <summary>Every request answered so far, in completion order.</summary>
    public IReadOnlyList<RecordedRequest> Requests => _state.Requests.Snapshot();

    /// <summary>Starts an emulator with the namespaces every cluster has (<c>default</c>, <c>kube-system</c>).</summary>
    public static async Task<KubernetesApiEmulator> StartAsync(EmulatorOptions? options = null)
    {
        options ??= new EmulatorOptions();
        var state = new EmulatorState(options.BearerToken ?? Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant(), options);
        var emulator = new KubernetesApiEmulator(state, await EmulatorHost.StartAsync(state, options.Port));
        emulator.PutNamespace("default");
        emulator.PutNamespace("kube-system");
        return emulator;
    }

    /// <summary>A client configuration for this emulator: its address and bearer token.</summary>
    public KubernetesClientConfiguration ClientConfiguration() => new()
    {
        Host = BaseAddress.ToString(),
        AccessToken = BearerToken,
    };

    /// <summary>A kubeconfig (plain http, token auth, namespace <c>default</c>) for code that loads one from a file or stream.</summary>
    public string KubeconfigYaml() => string.Create(CultureInfo.InvariantCulture, $"""
        apiVersion: v1
        kind: Config
        clusters:
        - name: emulator
          cluster:
            server: {BaseAddress.GetLeftPart(UriPartial.Authority)}
            insecure-skip-tls-verify: true
        users:
        - name: emulator
          user:
            token: {BearerToken}
        contexts:
        - name: emulator
          context:
            cluster: emulator
            user: emulator
            namespace: default
        current-context: emulator

        """);

    /// <summary>Forgets the requests recorded so far, e.g. after a test's arrange phase.</summary>
    public void ClearRequests() => _state.Requests.Clear();

    /// <summary>
    /// Lets TokenReview authenticate <paramref name="token"/> as the service account, for the given audiences,
    /// until <paramref name="expiresAt"/>.
    /// </summary>
    public void RegisterServiceAccountToken(string token, string @namespace, string serviceAccountName, IReadOnlyCollection<string> audiences, DateTimeOffset expiresAt) =>
        _state.Tokens.Register(token, @namespace, serviceAccountName, audiences, expiresAt);

    /// <summary>The iss of this emulator's service-account tokens (unique per emulator, like a real cluster's issuer URL).</summary>
    public string ServiceAccountIssuer => _state.TokenIssuer.Issuer;

    /// <summary>
    /// A projected service-account token as the kubelet would mount it: a signed JWT from <see cref="ServiceAccountIssuer"/>
    /// (or <paramref name="issuer"/>), which TokenReview then authenticates for <paramref name="audiences"/> until it expires.
    /// A negative <paramref name="lifetime"/> gives an already expired token.
    /// </summary>
    public string IssueServiceAccountToken(string @namespace, string serviceAccountName, IReadOnlyCollection<string> audiences, TimeSpan lifetime,
        string? issuer = null)
    {
        var now = DateTimeOffset.UtcNow;
        var issuedAt = lifetime < TimeSpan.Zero ? now + lifetime - TimeSpan.FromMinutes(1) : now;
        var token = _state.TokenIssuer.Sign(issuer ?? ServiceAccountIssuer, @namespace, serviceAccountName, audiences, issuedAt, now + lifetime);
        _state.Tokens.Register(token, @namespace, serviceAccountName, audiences, now + lifetime);
        return token;
    }

    /// <summary>
    /// Closes the listening socket, so new connections are refused (ECONNREFUSED) and open ones are closed,
    /// like an API server that went down. State is kept; <see cref="ResumeListeningAsync"/> brings it back.
    /// </summary>
    public async Task StopListeningAsync()
    {
        await _listening.WaitAsync();
        try
        {
            if (_host is not null)
            {
                await _host.DisposeAsync();
                _host = null;
            }
        }
        finally
        {
            _listening.Release();
        }
    }

    /// <summary>Listens again on the same port, with all state kept.</summary>
    public async Task ResumeListeningAsync()
    {
        await _listening.WaitAsync();
        try
        {
            _host ??= await EmulatorHost.StartAsync(_state, BaseAddress.Port);
        }
        finally
        {
            _listening.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopListeningAsync();
        _listening.Dispose();
        _state.TokenIssuer.Dispose();
    }
}
