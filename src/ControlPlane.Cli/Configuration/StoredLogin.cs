using System.Text.Json;

namespace ControlPlane.Cli.Configuration;

/// <summary>What `controlplane login` keeps in the config directory (login.json, 0600); the environment overrides it.</summary>
internal sealed record StoredLogin(string Url, string ClientId, string ClientSecret)
{
    public const string FileName = "login.json";

    public static StoredLogin? Read(string configDirectory) =>
        PrivateFile.ReadOrNull(Path.Combine(configDirectory, FileName)) is { } json ? JsonSerializer.Deserialize<StoredLogin>(json, CliJson.Files) : null;

    public void Write(string configDirectory) =>
        PrivateFile.Write(Path.Combine(configDirectory, FileName), JsonSerializer.Serialize(this, CliJson.Files));
}
