using Microsoft.Extensions.Options;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;

namespace ControlPlane.Infrastructure.Identity;

/// <summary>Applies the issuer, token lifetime and transport-security settings from the "Identity" section.</summary>
internal sealed class IssuerConfigurator(IOptions<IdentityOptions> identity) : IConfigureOptions<OpenIddictServerOptions>,
    IConfigureOptions<OpenIddictServerAspNetCoreOptions>
{
    public void Configure(OpenIddictServerOptions options)
    {
        options.Issuer = identity.Value.Issuer;
        options.AccessTokenLifetime = identity.Value.AccessTokenLifetime;
    }

    public void Configure(OpenIddictServerAspNetCoreOptions options) =>
        options.DisableTransportSecurityRequirement = identity.Value.AllowInsecureHttp;
}
