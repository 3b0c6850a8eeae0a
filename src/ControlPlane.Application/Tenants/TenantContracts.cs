using System.ComponentModel.DataAnnotations;
using ControlPlane.Domain.Common;
using ControlPlane.Domain.Tenants;

namespace ControlPlane.Application.Tenants;

/// <summary>A tenant as the API shows it.</summary>
/// <param name="Id">Stable identifier.</param>
/// <param name="Name">DNS-1123 label, unique; used in paths and as the Kubernetes namespace suffix.</param>
/// <param name="DisplayName">Human-readable name.</param>
/// <param name="IsolationTier">soft, strong or physical.</param>
/// <param name="AllowedRegions">Regions where the tenant's workloads may run; empty means any.</param>
/// <param name="Labels">Free-form key/value labels.</param>
/// <param name="State">active, suspended or deleting.</param>
/// <param name="CreatedAt">Creation time (UTC).</param>
/// <param name="UpdatedAt">Last change (UTC).</param>
public sealed record TenantResponse(
    Guid Id, string Name, string DisplayName, IsolationTier IsolationTier, IReadOnlyList<string> AllowedRegions,
    IReadOnlyDictionary<string, string> Labels, TenantState State, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    internal static TenantResponse From(Tenant t) => new(
        t.Id, t.Name, t.DisplayName, t.IsolationTier, t.AllowedRegions, t.Labels, t.State, t.CreatedAt, t.UpdatedAt);
}

/// <summary>Creates a tenant.</summary>
/// <param name="Name">DNS-1123 label, unique across the platform.</param>
/// <param name="DisplayName">Human-readable name; defaults to the name.</param>
/// <param name="IsolationTier">soft (default), strong or physical.</param>
/// <param name="AllowedRegions">Regions where workloads may run; empty or absent means any.</param>
/// <param name="Labels">Free-form key/value labels (Kubernetes label syntax).</param>
public sealed record CreateTenantRequest(
    [property: MaxLength(ResourceName.MaxLength), RegularExpression(ResourceName.Pattern)] string Name,
    [property: MaxLength(Tenant.DisplayNameMaxLength)] string? DisplayName = null,
    IsolationTier? IsolationTier = null,
    [property: MaxLength(Tenant.MaxAllowedRegions)] IReadOnlyList<string>? AllowedRegions = null,
    [property: MaxLength(Domain.Common.Labels.MaxCount)] IReadOnlyDictionary<string, string>? Labels = null);

/// <summary>Changes a tenant; absent fields stay as they are.</summary>
/// <param name="DisplayName">New display name.</param>
/// <param name="IsolationTier">New isolation tier.</param>
/// <param name="AllowedRegions">New list of allowed regions (replaces the old one).</param>
/// <param name="Labels">New labels (replace the old ones).</param>
public sealed record UpdateTenantRequest(
    [property: MaxLength(Tenant.DisplayNameMaxLength)] string? DisplayName = null,
    IsolationTier? IsolationTier = null,
    [property: MaxLength(Tenant.MaxAllowedRegions)] IReadOnlyList<string>? AllowedRegions = null,
    [property: MaxLength(Domain.Common.Labels.MaxCount)] IReadOnlyDictionary<string, string>? Labels = null);
