namespace ControlPlane.Application.Common;

/// <summary>The request is malformed; <see cref="Errors"/> names each offending field.</summary>
public sealed class ValidationFailedException(IReadOnlyDictionary<string, string[]> errors)
    : Exception("One or more fields are invalid.")
{
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;
}

/// <summary>The resource does not exist, or belongs to a tenant the caller cannot see (indistinguishable on purpose).</summary>
public sealed class ResourceNotFoundException(string kind, string name)
    : Exception($"The {kind} '{name}' was not found.")
{
    public string Kind { get; } = kind;
}

/// <summary>The request is valid but conflicts with the current state; <see cref="Code"/> is a stable kebab-case code.</summary>
public sealed class ConflictException(string code, string message, IReadOnlyDictionary<string, object?>? extensions = null)
    : Exception(message)
{
    public string Code { get; } = code;
    public IReadOnlyDictionary<string, object?> Extensions { get; } = extensions ?? new Dictionary<string, object?>();
}

/// <summary>The request is valid but can never succeed as asked (HTTP 422).</summary>
public sealed class UnprocessableException(string code, string message, IReadOnlyDictionary<string, object?>? extensions = null)
    : Exception(message)
{
    public string Code { get; } = code;
    public IReadOnlyDictionary<string, object?> Extensions { get; } = extensions ?? new Dictionary<string, object?>();
}

/// <summary>The caller's If-Match does not match the current version.</summary>
public sealed class PreconditionFailedException(string kind, string name)
    : Exception($"The {kind} '{name}' was modified since it was read: its ETag no longer matches If-Match.");

/// <summary>The caller may see the resource but not make this change (HTTP 403); <see cref="Code"/> is a stable kebab-case code.</summary>
public sealed class ForbiddenException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}
