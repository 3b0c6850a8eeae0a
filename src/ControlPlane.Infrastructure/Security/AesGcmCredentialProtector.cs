using System.Security.Cryptography;
using System.Text;
using ControlPlane.Application.Abstractions;
using Microsoft.Extensions.Options;

namespace ControlPlane.Infrastructure.Security;

/// <summary>Configuration section "CredentialEncryption": AES-256 keys that never live in the database.</summary>
public sealed class CredentialEncryptionOptions
{
    public const string Section = "CredentialEncryption";

    /// <summary>Keys by id; <see cref="ActiveKeyId"/> encrypts, every listed key decrypts (rotation).</summary>
    public Dictionary<string, string> Keys { get; set; } = [];

    public string? ActiveKeyId { get; set; }
}

/// <summary>
/// AES-256-GCM with a key id in front: [1-byte id length][id][12-byte nonce][16-byte tag][ciphertext]. The key id is
/// authenticated as associated data, so a ciphertext cannot be replayed under another key.
/// </summary>
internal sealed class AesGcmCredentialProtector : ICredentialProtector
{
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly Dictionary<string, byte[]> _keys;
    private readonly string _activeKeyId;

    public AesGcmCredentialProtector(IOptions<CredentialEncryptionOptions> options)
    {
        var value = options.Value;
        _keys = value.Keys.ToDictionary(k => k.Key, k => DecodeKey(k.Key, k.Value), StringComparer.Ordinal);
        _activeKeyId = value.ActiveKeyId ?? _keys.Keys.FirstOrDefault()
            ?? throw new InvalidOperationException("CredentialEncryption:Keys is empty: configure at least one base64 AES-256 key (e.g. CredentialEncryption:Keys:k1).");
        if (!_keys.ContainsKey(_activeKeyId))
        {
            throw new InvalidOperationException($"CredentialEncryption:ActiveKeyId '{_activeKeyId}' is not among CredentialEncryption:Keys.");
        }
    }

    public byte[] Protect(ReadOnlySpan<byte> plaintext)
    {
        var keyId = Encoding.ASCII.GetBytes(_activeKeyId);
        var output = new byte[1 + keyId.Length + NonceSize + TagSize + plaintext.Length];
        output[0] = (byte)keyId.Length;
        keyId.CopyTo(output.AsSpan(1));
        var nonce = output.AsSpan(1 + keyId.Length, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_keys[_activeKeyId], TagSize);
        aes.Encrypt(nonce, plaintext, output.AsSpan(1 + keyId.Length + NonceSize + TagSize), output.AsSpan(1 + keyId.Length + NonceSize, TagSize), keyId);
        return output;
    }

    public byte[] Unprotect(byte[] protectedData)
    {
        var idLength = protectedData[0];
        var keyId = protectedData.AsSpan(1, idLength);
        var id = Encoding.ASCII.GetString(keyId);
        if (!_keys.TryGetValue(id, out var key))
        {
            throw new CryptographicException($"Credentials were encrypted with key '{id}', which is not configured.");
        }

        var offset = 1 + idLength;
        var ciphertext = protectedData.AsSpan(offset + NonceSize + TagSize);
        var plaintext = new byte[ciphertext.Length];
        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(protectedData.AsSpan(offset, NonceSize), ciphertext, protectedData.AsSpan(offset + NonceSize, TagSize), plaintext, keyId);
        return plaintext;
    }

    private static byte[] DecodeKey(string id, string base64)
    {
        var key = Convert.FromBase64String(base64);
        return key.Length == 32 ? key : throw new InvalidOperationException($"CredentialEncryption:Keys:{id} must be 32 bytes (base64).");
    }
}
