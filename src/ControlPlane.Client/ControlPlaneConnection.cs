using ControlPlane.Client.Authentication;
using ControlPlane.Client.Http;

namespace ControlPlane.Client;

/// <summary>
/// The generated <see cref="ControlPlaneClient"/> over one HTTP pipeline: retries of transient failures outermost (so a
/// retry also renews a token), then the bearer token, then the transport. <see cref="Http"/> is the same pipeline for
/// the few calls the document cannot type (uploads to presigned URLs are not made through it).
/// </summary>
public sealed record ControlPlaneConnection(ControlPlaneClient Client, HttpClient Http, AccessTokenSource Tokens)
{
    public static ControlPlaneConnection Create(ControlPlaneCredentials credentials, IAccessTokenCache cache, HttpMessageHandler transport,
        RetryPolicy retries, TimeProvider clock)
    {
        var tokenHttp = new HttpClient(new TransientRetryHandler(retries) { InnerHandler = transport }, disposeHandler: false);
        var tokens = new AccessTokenSource(credentials, tokenHttp, cache, clock);
        var pipeline = new TransientRetryHandler(retries) { InnerHandler = new BearerTokenHandler(tokens) { InnerHandler = transport } };
        var http = new HttpClient(pipeline, disposeHandler: false) { BaseAddress = credentials.BaseUrl, Timeout = TimeSpan.FromMinutes(10) };
        return new ControlPlaneConnection(new ControlPlaneClient(http), http, tokens);
    }
}
