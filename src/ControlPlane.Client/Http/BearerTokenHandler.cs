using System.Net.Http.Headers;
using ControlPlane.Client.Authentication;

namespace ControlPlane.Client.Http;

/// <summary>Sends every API request with the current access token.</summary>
public sealed class BearerTokenHandler(AccessTokenSource tokens) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var token = await tokens.GetAsync(cancellationToken);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Value);
        return await base.SendAsync(request, cancellationToken);
    }
}
