using System.Net.Http.Headers;
using ControlPlane.Api.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenIddict.Server;

namespace ControlPlane.IntegrationTests.Identity;

/// <summary>API routes skip the OpenIddict server's request handling (<see cref="ApiRouteAuthenticationHandlers"/>).</summary>
public sealed class ApiRouteAuthenticationTests(ControlPlaneApp app) : IClassFixture<ControlPlaneApp>
{
    [Fact]
    public void No_endpoint_of_the_OpenIddict_server_lies_under_the_API_routes_it_skips()
    {
        var options = app.Services.GetRequiredService<IOptions<OpenIddictServerOptions>>().Value;
        // Every endpoint list the server has, including ones a later version adds: found by type, not listed by hand.
        var endpoints = typeof(OpenIddictServerOptions).GetProperties()
            .Where(p => p.PropertyType == typeof(List<Uri>) && p.Name.EndsWith("EndpointUris", StringComparison.Ordinal))
            .SelectMany(p => (List<Uri>)p.GetValue(options)!)
            .Select(uri => uri.IsAbsoluteUri ? uri.AbsolutePath : "/" + uri.OriginalString.TrimStart('/'))
            .ToList();

        Assert.Contains("/connect/token", endpoints);
        Assert.DoesNotContain(endpoints, path => ApiRouteAuthenticationHandlers.IsApiRoute(path));
    }

    [Fact]
    public async Task An_API_route_still_validates_the_token_and_the_token_endpoint_still_issues_one()
    {
        var token = await app.TokenAsync(ControlPlaneApp.OperatorClientId, ControlPlaneApp.OperatorClientSecret);
        using var client = app.ClientWithToken(token);
        using var ok = await client.GetAsync("/v1/tenants");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);

        using var forged = app.CreateClient();
        forged.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token[..^4] + "AAAA");
        using var refused = await forged.GetAsync("/v1/tenants");
        await refused.ExpectProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }
}
