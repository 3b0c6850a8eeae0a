using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;

namespace ControlPlane.Infrastructure.Identity;

/// <summary>Creates or updates the platform-operator client from Bootstrap:OperatorClientId/Secret. Idempotent.</summary>
public sealed class OperatorClientSeeder(IServiceScopeFactory scopes, IOptions<BootstrapOptions> bootstrap, ILogger<OperatorClientSeeder> logger)
{
    public const int MinimumSecretLength = 24;

    public async Task SeedAsync(CancellationToken cancellationToken)
    {
        var (clientId, secret) = (bootstrap.Value.OperatorClientId, bootstrap.Value.OperatorClientSecret);
        if (string.IsNullOrEmpty(clientId) || string.IsNullOrEmpty(secret))
        {
            logger.LogInformation("No Bootstrap:OperatorClientId/OperatorClientSecret configured; no operator client seeded");
            return;
        }

        if (secret.Length < MinimumSecretLength)
        {
            // Operator secrets are hashed with fast SHA-256 like generated ones, so they must be long enough not to be guessable.
            throw new InvalidOperationException($"Bootstrap:OperatorClientSecret must be at least {MinimumSecretLength} characters.");
        }

        using var scope = scopes.CreateScope();
        var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        var descriptor = OpenIddictClientCredentialsStore.ClientDescriptor(clientId, secret, "Platform operator");
        descriptor.Properties[ControlPlaneClaims.RoleProperty] = JsonSerializer.SerializeToElement(ControlPlaneClaims.OperatorRole);
        if (await applications.FindByClientIdAsync(clientId, cancellationToken) is { } existing)
        {
            await applications.UpdateAsync(existing, descriptor, cancellationToken);
            logger.LogInformation("Operator client {ClientId} updated", clientId);
        }
        else
        {
            await applications.CreateAsync(descriptor, cancellationToken);
            logger.LogInformation("Operator client {ClientId} created", clientId);
        }
    }
}
