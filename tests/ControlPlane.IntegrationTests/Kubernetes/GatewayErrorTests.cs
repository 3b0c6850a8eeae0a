using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ControlPlane.Application.Clusters;
using ControlPlane.Domain.Tenants;
using ControlPlane.Infrastructure.Kubernetes;
using ControlPlane.KubernetesEmulator.Faults;

namespace ControlPlane.IntegrationTests.Kubernetes;

public sealed class GatewayErrorTests : GatewayTestBase
{
    [Theory]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    [InlineData(HttpStatusCode.Conflict)]
    public async Task Transient_answers_are_unavailable_and_the_next_attempt_converges(HttpStatusCode status)
    {
        Emulator.Faults.FailNextRequests(1, status, new RequestScope("/api/v1/namespaces/t-acme/resourcequotas", "PATCH"));

        var error = await Assert.ThrowsAsync<ClusterUnavailableException>(
            () => Gateway.ApplyTenantBaselineAsync(Connection, TestManifests.Baseline(), CancellationToken.None));
        await Gateway.ApplyTenantBaselineAsync(Connection, TestManifests.Baseline(), CancellationToken.None);

        Assert.Contains(((int)status).ToString(CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
        Assert.NotNull(Emulator.Get("rbac.authorization.k8s.io/v1", "rolebindings", TestManifests.Namespace, "controlplane-tenant-edit"));
    }

    [Fact]
    public async Task A_cluster_that_refuses_connections_is_unavailable()
    {
        await Emulator.StopListeningAsync();

        var error = await Assert.ThrowsAsync<ClusterUnavailableException>(() => Gateway.ListNodesAsync(Connection, CancellationToken.None));

        Assert.IsType<HttpRequestException>(error.InnerException);
    }

    [Fact]
    public async Task A_cluster_slower_than_the_request_timeout_is_unavailable()
    {
        using var gateway = new KubernetesClusterGateway(TimeSpan.FromMilliseconds(300));
        Emulator.Faults.AddLatency(TimeSpan.FromSeconds(3));

        await Assert.ThrowsAsync<ClusterUnavailableException>(() => gateway.ListNodesAsync(Connection, CancellationToken.None));
    }

    [Fact]
    public async Task The_callers_cancellation_is_not_mistaken_for_an_unavailable_cluster()
    {
        Emulator.Faults.AddLatency(TimeSpan.FromSeconds(3));
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        var error = await Record.ExceptionAsync(() => Gateway.ListNodesAsync(Connection, cancellation.Token));

        Assert.IsAssignableFrom<OperationCanceledException>(error);
    }

    [Fact]
    public async Task An_invalid_object_is_rejected_with_the_API_servers_reason()
    {
        await Gateway.ApplyTenantBaselineAsync(Connection, TestManifests.Baseline(), CancellationToken.None);

        var error = await Assert.ThrowsAsync<ClusterRejectedException>(
            () => Gateway.ApplyPlacementAsync(Connection, TestManifests.Inference(name: "Not_A_Name"), CancellationToken.None));

        Assert.Contains("422", error.Message, StringComparison.Ordinal);
        Assert.Contains("Not_A_Name", error.Message, StringComparison.Ordinal);
        Assert.Contains("RFC 1123", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_credentials_are_rejected_without_the_token_in_the_message_and_fixed_credentials_get_a_new_client()
    {
        var wrong = Connection with { BearerToken = "not-the-token-0123456789" };

        var error = await Assert.ThrowsAsync<ClusterRejectedException>(() => Gateway.ListNodesAsync(wrong, CancellationToken.None));
        var nodes = await Gateway.ListNodesAsync(Connection, CancellationToken.None);

        Assert.Contains("401", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-token-0123456789", error.ToString(), StringComparison.Ordinal);
        Assert.Null(error.InnerException);
        Assert.Empty(nodes);
    }

    [Fact]
    public async Task A_kubeconfig_connection_works()
    {
        var connection = new ClusterConnection("by-kubeconfig", ApiServerUrl: null, BearerToken: null, CaCertificatePem: null, Emulator.KubeconfigYaml());

        await Gateway.ApplyTenantBaselineAsync(connection, TestManifests.Baseline(IsolationTier.Soft), CancellationToken.None);

        Assert.NotNull(Emulator.Get("v1", "namespaces", null, TestManifests.Namespace));
    }

    [Fact]
    public async Task A_kubeconfig_that_would_run_a_command_on_the_control_plane_host_is_rejected()
    {
        var kubeconfig = Emulator.KubeconfigYaml().Replace(
            $"token: {Emulator.BearerToken}",
            "exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: /bin/sh\n      args: [\"-c\", \"echo pwned\"]",
            StringComparison.Ordinal);
        var connection = new ClusterConnection("exec", ApiServerUrl: null, BearerToken: null, CaCertificatePem: null, kubeconfig);

        var error = await Assert.ThrowsAsync<ClusterRejectedException>(() => Gateway.ListNodesAsync(connection, CancellationToken.None));

        Assert.Contains("exec", error.Message, StringComparison.Ordinal);
        Assert.Empty(Emulator.Requests);
    }

    [Fact]
    public async Task A_malformed_CA_bundle_is_rejected_before_any_request()
    {
        var connection = Connection with { CaCertificatePem = "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n" };

        await Assert.ThrowsAsync<ClusterRejectedException>(() => Gateway.ListNodesAsync(connection, CancellationToken.None));

        Assert.Empty(Emulator.Requests);
    }

    [Fact]
    public async Task A_connection_with_a_PEM_CA_bundle_is_usable()
    {
        using var key = ECDsa.Create();
        using var ca = new CertificateRequest("CN=cluster-ca", key, HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddHours(1));
        var connection = Connection with { CaCertificatePem = ca.ExportCertificatePem() };

        var nodes = await Gateway.ListNodesAsync(connection, CancellationToken.None);

        Assert.Empty(nodes);
    }
}
