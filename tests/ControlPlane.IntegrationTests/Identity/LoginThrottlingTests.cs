using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace ControlPlane.IntegrationTests.Identity;

/// <summary>Three failures per client id, five per source address, in a minute.</summary>
public sealed class ThrottledLoginApp : ControlPlaneApp
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
    {
        ["LoginThrottling:FailuresPerClient"] = "3",
        ["LoginThrottling:FailuresPerAddress"] = "5",
        ["LoginThrottling:Window"] = "00:01:00",
    };
}

/// <summary>
/// Guessing secrets at /connect/token is throttled per client id and per source address (429, Retry-After, an OAuth
/// error body), and the throttle touches nobody else. Each request carries the source address the test names.
/// </summary>
public sealed class LoginThrottlingTests(ThrottledLoginApp app) : IClassFixture<ThrottledLoginApp>
{
    [Fact]
    public async Task A_client_id_with_too_many_failures_is_refused_429_even_with_its_right_secret()
    {
        var target = await app.CreateTenantWithAccountAsync("throttle-client");
        // Failures from different addresses: only the per-client limit can trip.
        for (var i = 1; i <= 3; i++)
        {
            Assert.Equal(StatusCodes.Status401Unauthorized, (await TokenRequestAsync($"10.1.0.{i}", target.ClientId, "wrong")).Status);
        }

        var refused = await TokenRequestAsync("10.1.0.9", target.ClientId, target.ClientSecret);
        AssertThrottled(refused);

        // Another client, from another address, is unaffected.
        var other = await app.CreateAccountAsync("throttle-client", "other", "viewer");
        Assert.Equal(StatusCodes.Status200OK, (await TokenRequestAsync("10.1.0.10", other.ClientId, other.ClientSecret)).Status);
    }

    [Fact]
    public async Task An_address_with_too_many_failures_is_refused_429_for_every_client()
    {
        var bystander = await app.CreateTenantWithAccountAsync("throttle-address");
        // Different unknown client ids each time: only the per-address limit can trip.
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(StatusCodes.Status401Unauthorized, (await TokenRequestAsync("10.2.0.1", $"throttle-address.guess.{i}", "wrong")).Status);
        }

        AssertThrottled(await TokenRequestAsync("10.2.0.1", bystander.ClientId, bystander.ClientSecret));
        Assert.Equal(StatusCodes.Status200OK, (await TokenRequestAsync("10.2.0.2", bystander.ClientId, bystander.ClientSecret)).Status);
    }

    [Fact]
    public async Task Successful_logins_never_count()
    {
        var busy = await app.CreateTenantWithAccountAsync("throttle-busy");
        for (var i = 0; i < 12; i++)
        {
            Assert.Equal(StatusCodes.Status200OK, (await TokenRequestAsync("10.3.0.1", busy.ClientId, busy.ClientSecret)).Status);
        }
    }

    private static void AssertThrottled((int Status, string? RetryAfter, JsonElement Body) response)
    {
        Assert.Equal(StatusCodes.Status429TooManyRequests, response.Status);
        Assert.InRange(int.Parse(response.RetryAfter!, System.Globalization.CultureInfo.InvariantCulture), 1, 60);
        Assert.Equal("temporarily_unavailable", response.Body.GetProperty("error").GetString());
    }

    /// <summary>A client-credentials request as if from <paramref name="address"/> (TestServer otherwise has no remote address).</summary>
    private async Task<(int Status, string? RetryAfter, JsonElement Body)> TokenRequestAsync(string address, string clientId, string secret)
    {
        var form = Encoding.UTF8.GetBytes(
            $"grant_type=client_credentials&client_id={Uri.EscapeDataString(clientId)}&client_secret={Uri.EscapeDataString(secret)}");
        var context = await app.Server.SendAsync(http =>
        {
            http.Request.Method = HttpMethods.Post;
            http.Request.Path = "/connect/token";
            http.Request.ContentType = "application/x-www-form-urlencoded";
            http.Request.ContentLength = form.Length;
            http.Request.Body = new MemoryStream(form);
            http.Connection.RemoteIpAddress = IPAddress.Parse(address);
        });
        using var reader = new StreamReader(context.Response.Body);
        var body = await reader.ReadToEndAsync();
        return (context.Response.StatusCode, context.Response.Headers.RetryAfter.FirstOrDefault(),
            JsonDocument.Parse(body.Length == 0 ? "{}" : body).RootElement.Clone());
    }
}
