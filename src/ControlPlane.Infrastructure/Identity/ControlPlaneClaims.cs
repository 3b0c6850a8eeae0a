namespace ControlPlane.Infrastructure.Identity;

/// <summary>Names shared by the token issuer and the API that reads its tokens.</summary>
public static class ControlPlaneClaims
{
    /// <summary>The audience of access tokens for this API.</summary>
    public const string ApiAudience = "controlplane-api";

    /// <summary>Claim naming the tenant of a tenant principal.</summary>
    public const string Tenant = "tenant";

    /// <summary>Role of platform operators.</summary>
    public const string OperatorRole = "platform-operator";

    /// <summary>Application property keys under which a client's tenant and role are stored.</summary>
    public const string TenantProperty = "controlplane:tenant";
    public const string RoleProperty = "controlplane:role";
}
