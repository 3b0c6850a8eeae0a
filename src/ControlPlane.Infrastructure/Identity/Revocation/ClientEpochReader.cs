using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Http;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace ControlPlane.Infrastructure.Identity.Revocation;

/// <summary>
/// Reads the client's revocation epoch when a token request arrives, before OpenIddict checks the secret. Were it read
/// after, a secret checked just before a revoking commit could yield a token stamped with the new epoch, which that
/// revocation would then not refuse.
/// </summary>
internal sealed class ClientEpochReader(PostgresTokenRevoker revocations) : IOpenIddictServerHandler<ExtractTokenRequestContext>
{
    private const string Item = "controlplane:client-epoch";

    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ExtractTokenRequestContext>()
            .UseScopedHandler<ClientEpochReader>()
            .SetOrder(int.MaxValue - 100_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(ExtractTokenRequestContext context)
    {
        if (context.Request?.ClientId is { Length: > 0 } clientId && context.Transaction.GetHttpRequest() is { } request)
        {
            request.HttpContext.Items[Item] = await revocations.EpochAsync(RevocationPrincipals.Client(clientId), context.CancellationToken);
        }
    }

    /// <summary>The epoch read for this request's client (0 when none was read: such a token is refused by any revocation).</summary>
    public static long Of(HttpContext context) => context.Items[Item] is long epoch ? epoch : 0;
}
