using System.Diagnostics;
using System.Net;
using ControlPlane.KubernetesEmulator.Faults;
using k8s;
using k8s.Autorest;

namespace ControlPlane.KubernetesEmulator.Tests;

public sealed class FaultInjectionTests : EmulatorTestBase
{
    [Fact]
    public async Task Injected_503_fails_the_next_request_then_requests_succeed()
    {
        Emulator.Faults.FailNextRequests(1, HttpStatusCode.ServiceUnavailable);

        var error = await Assert.ThrowsAsync<HttpOperationException>(() => Client.CoreV1.ListNamespaceAsync());
        var namespaces = await Client.CoreV1.ListNamespaceAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.Response.StatusCode);
        Assert.Contains(namespaces.Items, n => n.Metadata.Name == Namespace);
        Assert.Equal([503, 200], Emulator.Requests.Select(r => r.StatusCode));
    }

    [Fact]
    public async Task Faults_can_be_scoped_to_a_verb_and_path_and_last_until_cleared()
    {
        Emulator.Faults.FailAllRequests(HttpStatusCode.Conflict, new RequestScope("/apis/apps/v1", "PATCH"));

        var error = await Assert.ThrowsAsync<HttpOperationException>(() => ApplyAsync(Deployment("web", 1)));
        await Client.CoreV1.ListNamespaceAsync();
        Emulator.Faults.Clear();
        await ApplyAsync(Deployment("web", 1));

        Assert.Equal(HttpStatusCode.Conflict, error.Response.StatusCode);
    }

    [Fact]
    public async Task A_fraction_of_requests_fails_until_cleared()
    {
        Emulator.Faults.FailFractionOfRequests(0.5, HttpStatusCode.InternalServerError);

        for (var i = 0; i < 40; i++)
        {
            await Record.ExceptionAsync(() => Client.CoreV1.ListNamespaceAsync());
        }

        Emulator.Faults.Clear();
        await Client.CoreV1.ListNamespaceAsync();

        var statuses = Emulator.Requests.Select(r => r.StatusCode).ToList();
        Assert.Contains(500, statuses[..40]);
        Assert.Contains(200, statuses[..40]);
        Assert.Equal(200, statuses[40]);
    }

    [Fact]
    public async Task Latency_delays_matching_requests()
    {
        Emulator.Faults.AddLatency(TimeSpan.FromMilliseconds(300));

        var stopwatch = Stopwatch.StartNew();
        await Client.CoreV1.ListNamespaceAsync();

        Assert.True(stopwatch.Elapsed >= TimeSpan.FromMilliseconds(300), $"took {stopwatch.Elapsed}");
    }

    [Fact]
    public async Task Connections_are_refused_while_not_listening_and_served_again_on_the_same_port()
    {
        await ApplyAsync(Deployment("web", 1));

        await Emulator.StopListeningAsync();
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => Client.CoreV1.ListNamespaceAsync());
        await Emulator.ResumeListeningAsync();
        var deployment = await Client.AppsV1.ReadNamespacedDeploymentAsync("web", Namespace);

        Assert.Equal(System.Net.Sockets.SocketError.ConnectionRefused, (refused.InnerException as System.Net.Sockets.SocketException)?.SocketErrorCode);
        Assert.Equal("web", deployment.Metadata.Name);
    }

    [Fact]
    public async Task Requests_without_the_bearer_token_are_unauthorized()
    {
        var configuration = Emulator.ClientConfiguration();
        configuration.AccessToken = "wrong";
        using var stranger = new Kubernetes(configuration);

        var error = await Assert.ThrowsAsync<HttpOperationException>(() => stranger.CoreV1.ListNamespaceAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, error.Response.StatusCode);
    }
}
