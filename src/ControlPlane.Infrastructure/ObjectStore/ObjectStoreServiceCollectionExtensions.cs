using ControlPlane.Application.Models;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ControlPlane.Infrastructure.ObjectStore;

/// <summary>Registers the S3 adapter of the artifact store port.</summary>
public static class ObjectStoreServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="ObjectStoreOptions"/> from section "ObjectStore" (validated at host start), registers
    /// <see cref="S3ArtifactStore"/> as the singleton <see cref="IArtifactStore"/>, the "object-store" readiness
    /// check (tag "ready") and a startup step that creates the bucket when missing.
    /// </summary>
    public static IServiceCollection AddObjectStore(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<ObjectStoreOptions>().Bind(configuration.GetSection(ObjectStoreOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ObjectStoreOptions>, ObjectStoreOptionsValidator>());
        services.AddSingleton(sp => new S3ArtifactStore(
            sp.GetRequiredService<IOptions<ObjectStoreOptions>>().Value, sp.GetRequiredService<ILogger<S3ArtifactStore>>()));
        services.AddSingleton<IArtifactStore>(sp => sp.GetRequiredService<S3ArtifactStore>());
        services.AddHealthChecks().AddCheck<ObjectStoreReadinessCheck>("object-store", tags: ["ready"]);
        services.AddHostedService<BucketInitializer>();
        return services;
    }
}
