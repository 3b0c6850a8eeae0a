namespace ControlPlane.IntegrationTests.Fixtures;

/// <summary>How a token endpoint refusal looks to the caller: 400, the OAuth error code, a description that says why, no token.</summary>
public static class OAuthRefusals
{
    public static async Task ExpectRefusalAsync(HttpResponseMessage response, string error, string descriptionFragment)
    {
        var body = await response.JsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{response.StatusCode}: {body}");
        Assert.True(error == body.GetProperty("error").GetString(), body.ToString());
        Assert.Contains(descriptionFragment, body.GetProperty("error_description").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.False(body.TryGetProperty("access_token", out _));
    }
}
