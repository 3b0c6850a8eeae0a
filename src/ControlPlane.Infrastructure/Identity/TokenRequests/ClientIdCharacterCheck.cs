using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace ControlPlane.Infrastructure.Identity.TokenRequests;

/// <summary>
/// A client_id with control characters (NUL cannot even be stored in PostgreSQL text) is a malformed request: refused
/// with an OAuth error before anything looks it up.
/// </summary>
internal sealed class ClientIdCharacterCheck : IOpenIddictServerHandler<ExtractTokenRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ExtractTokenRequestContext>()
            .UseSingletonHandler<ClientIdCharacterCheck>()
            .SetOrder(int.MaxValue - 200_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ExtractTokenRequestContext context)
    {
        if (context.Request?.ClientId is { } clientId && clientId.Any(char.IsControl))
        {
            context.Reject(Errors.InvalidRequest, "The client_id contains control characters.");
        }

        return ValueTask.CompletedTask;
    }
}
