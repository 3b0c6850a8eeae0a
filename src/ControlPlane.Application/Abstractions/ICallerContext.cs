using ControlPlane.Domain.ServiceAccounts;

namespace ControlPlane.Application.Abstractions;

/// <summary>Who is calling, as established by authentication.</summary>
/// <param name="Subject">The token's subject (an OAuth client id).</param>
/// <param name="IsOperator">Platform operators act on every tenant.</param>
/// <param name="Tenant">The tenant a tenant principal belongs to; null for operators.</param>
/// <param name="Role">The tenant principal's role; null for operators.</param>
public sealed record Caller(string Subject, bool IsOperator, string? Tenant, ServiceAccountRole? Role)
{
    /// <summary>The identity used when the system acts on its own (workers, seeding).</summary>
    public static Caller System { get; } = new("system", true, null, null);
}

/// <summary>The caller and the request id of the current unit of work.</summary>
public interface ICallerContext
{
    Caller Caller { get; }
    string? RequestId { get; }
}
