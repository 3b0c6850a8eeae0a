using ControlPlane.Application.Clusters;
using ControlPlane.Infrastructure.Kubernetes;
using ControlPlane.KubernetesEmulator;
using Microsoft.Extensions.DependencyInjection;

namespace ControlPlane.IntegrationTests.Kubernetes;

/// <summary>
/// Each test gets its own emulator and the gateway as the application resolves it, connected by URL + token. The cluster
/// is prepared as registration prepares a real one (the control plane's PriorityClasses) and offers the gVisor runtime.
/// </summary>
public abstract class GatewayTestBase : IAsyncLifetime
{
    private ServiceProvider _services = null!;

    protected KubernetesApiEmulator Emulator { get; private set; } = null!;

    protected IClusterGateway Gateway { get; private set; } = null!;

    protected ClusterConnection Connection { get; private set; } = null!;

    public virtual async Task InitializeAsync()
    {
        Emulator = await KubernetesApiEmulator.StartAsync();
        _services = new ServiceCollection().AddKubernetesClusterGateway().BuildServiceProvider();
        Gateway = _services.GetRequiredService<IClusterGateway>();
        Connection = new ClusterConnection("emulator", Emulator.BaseAddress, Emulator.BearerToken, CaCertificatePem: null, Kubeconfig: null);
        await Gateway.ApplyClusterObjectsAsync(Connection, ControlPlanePriorityClasses.All, CancellationToken.None);
        Emulator.PutRuntimeClass("gvisor", "runsc");
        Emulator.ClearRequests();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await Emulator.DisposeAsync();
    }
}
