namespace ControlPlane.Cli;

/// <summary>What a pipeline can branch on (README, "Exit codes"). Errors go to stderr; stdout carries only results.</summary>
public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The command line or a document is wrong; nothing was sent (System.CommandLine's own parse errors are 1 too).</summary>
    public const int Usage = 1;

    /// <summary>The API refused the request with a 4xx problem (quota, validation, conflict, precondition).</summary>
    public const int Refused = 2;

    /// <summary>5xx, 429 or no connection, still so after the retries.</summary>
    public const int Transient = 3;

    /// <summary>--wait gave up before the resource was ready.</summary>
    public const int WaitTimedOut = 4;

    /// <summary>No credentials, the token endpoint refused them, or the API answered 401/403.</summary>
    public const int Authentication = 5;

    /// <summary>The API answered 404: no such resource (or one of another tenant).</summary>
    public const int NotFound = 6;

    /// <summary>--wait saw the resource fail.</summary>
    public const int Failed = 7;
}

/// <summary>A wrong command line or document: exits with <see cref="ExitCodes.Usage"/>.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>The command ran but its outcome is not success: exits with <see cref="Code"/> after printing the message.</summary>
public sealed class OutcomeException(int code, string message) : Exception(message)
{
    public int Code { get; } = code;
}
