using ControlPlane.Application.Clusters;
using Microsoft.Extensions.DependencyInjection;

namespace ControlPlane.Infrastructure.Kubernetes;

/// <summary>Registers the Kubernetes adapter of the cluster gateway port.</summary>
public static class KubernetesServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="KubernetesClusterGateway"/> as the singleton <see cref="IClusterGateway"/>: one instance,
    /// so its per-cluster client cache is shared, disposed with the container.
    /// </summary>
    public static IServiceCollection AddKubernetesClusterGateway(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton(_ => new KubernetesClusterGateway(KubernetesClusterGateway.DefaultRequestTimeout));
        services.AddSingleton<IClusterGateway>(sp => sp.GetRequiredService<KubernetesClusterGateway>());
        return services;
    }
}
