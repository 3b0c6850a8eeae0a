using k8s;
using k8s.Models;

namespace ControlPlane.KubernetesEmulator.Tests;

public sealed class TokenReviewTests : EmulatorTestBase
{
    private const string Token = "eyJhbGciOiJSUzI1NiJ9.workload-token";

    [Fact]
    public async Task A_registered_token_is_authenticated_as_its_service_account()
    {
        Emulator.RegisterServiceAccountToken(Token, Namespace, "trainer", ["controlplane", "vault"], DateTimeOffset.UtcNow.AddHours(1));

        var review = await ReviewAsync(Token, "controlplane");

        Assert.True(review.Status.Authenticated);
        Assert.Equal($"system:serviceaccount:{Namespace}:trainer", review.Status.User.Username);
        Assert.Contains($"system:serviceaccounts:{Namespace}", review.Status.User.Groups);
        Assert.Equal(["controlplane"], review.Status.Audiences);
    }

    [Fact]
    public async Task A_token_for_another_audience_is_not_authenticated()
    {
        Emulator.RegisterServiceAccountToken(Token, Namespace, "trainer", ["vault"], DateTimeOffset.UtcNow.AddHours(1));

        var review = await ReviewAsync(Token, "controlplane");

        Assert.NotEqual(true, review.Status.Authenticated);
        Assert.Contains("audiences", review.Status.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_and_expired_tokens_are_not_authenticated()
    {
        Emulator.RegisterServiceAccountToken("expired", Namespace, "trainer", ["controlplane"], DateTimeOffset.UtcNow.AddMinutes(-1));

        var unknown = await ReviewAsync("never-issued", "controlplane");
        var expired = await ReviewAsync("expired", "controlplane");

        Assert.NotEqual(true, unknown.Status.Authenticated);
        Assert.False(string.IsNullOrEmpty(unknown.Status.Error));
        Assert.NotEqual(true, expired.Status.Authenticated);
        Assert.Contains("expired", expired.Status.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_issued_projected_token_is_a_jwt_with_the_clusters_issuer_and_is_authenticated_until_it_expires()
    {
        var token = Emulator.IssueServiceAccountToken(Namespace, "server", ["controlplane"], TimeSpan.FromMinutes(10));
        var expired = Emulator.IssueServiceAccountToken(Namespace, "server", ["controlplane"], TimeSpan.FromMinutes(-1));

        var parts = token.Split('.');
        Assert.Equal(3, parts.Length);
        using var payload = System.Text.Json.JsonDocument.Parse(Convert.FromBase64String(Padded(parts[1])));
        Assert.Equal(Emulator.ServiceAccountIssuer, payload.RootElement.GetProperty("iss").GetString());
        Assert.Equal($"system:serviceaccount:{Namespace}:server", payload.RootElement.GetProperty("sub").GetString());
        Assert.Equal("controlplane", payload.RootElement.GetProperty("aud")[0].GetString());
        Assert.Equal(Namespace, payload.RootElement.GetProperty("kubernetes.io").GetProperty("namespace").GetString());
        Assert.True((await ReviewAsync(token, "controlplane")).Status.Authenticated);
        Assert.NotEqual(true, (await ReviewAsync(expired, "controlplane")).Status.Authenticated);
    }

    private static string Padded(string base64Url)
    {
        var base64 = base64Url.Replace('-', '+').Replace('_', '/');
        return base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
    }

    private Task<V1TokenReview> ReviewAsync(string token, string audience) =>
        Client.AuthenticationV1.CreateTokenReviewAsync(new V1TokenReview
        {
            Spec = new V1TokenReviewSpec { Token = token, Audiences = [audience] },
        });
}
