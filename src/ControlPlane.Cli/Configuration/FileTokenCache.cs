using System.Text.Json;
using ControlPlane.Client.Authentication;

namespace ControlPlane.Cli.Configuration;

/// <summary>
/// Access tokens kept between invocations in tokens.json (0600), so a pipeline's dozens of commands ask the token
/// endpoint once per token lifetime rather than once per command.
/// </summary>
internal sealed class FileTokenCache(string configDirectory) : IAccessTokenCache
{
    public const string FileName = "tokens.json";

    private string Path => System.IO.Path.Combine(configDirectory, FileName);

    public AccessToken? Find(string key) => ReadAll().GetValueOrDefault(key);

    public void Store(string key, AccessToken token)
    {
        var all = ReadAll();
        all[key] = token;
        PrivateFile.Write(Path, JsonSerializer.Serialize(all, CliJson.Files));
    }

    private Dictionary<string, AccessToken> ReadAll()
    {
        try
        {
            return PrivateFile.ReadOrNull(Path) is { } json
                ? JsonSerializer.Deserialize<Dictionary<string, AccessToken>>(json, CliJson.Files) ?? []
                : [];
        }
        catch (JsonException)
        {
            return []; // a damaged cache only costs a token request
        }
    }
}
