namespace ControlPlane.Application.Abstractions;

/// <summary>Encrypts secrets at rest (cluster credentials) with a key that does not live in the database.</summary>
public interface ICredentialProtector
{
    byte[] Protect(ReadOnlySpan<byte> plaintext);

    byte[] Unprotect(byte[] protectedData);
}
