using static OpenIddict.Abstractions.OpenIddictConstants;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace ControlPlane.Infrastructure.Identity.TokenRequests;

/// <summary>
/// An unknown client id and a wrong secret get the same answer (OpenIddict words them differently), so the token
/// endpoint does not tell an attacker which client ids exist.
/// </summary>
internal sealed class UniformClientError : IOpenIddictServerHandler<ApplyTokenResponseContext>
{
    public const string Description = "The client credentials are invalid.";

    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyTokenResponseContext>()
            .UseSingletonHandler<UniformClientError>()
            .SetOrder(int.MinValue + 100_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ApplyTokenResponseContext context)
    {
        if (context.Response.Error == Errors.InvalidClient)
        {
            context.Response.ErrorDescription = Description;
            context.Response.ErrorUri = null;
        }

        return ValueTask.CompletedTask;
    }
}
