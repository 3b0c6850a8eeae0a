using ControlPlane.Application.Common;
using ControlPlane.Domain.Common;
using ControlPlane.Domain.Tenants;

namespace ControlPlane.Application.Tenants;

internal static class TenantValidation
{
    public static void Validate(CreateTenantRequest request)
    {
        var errors = new FieldErrors();
        errors.AddIf(!ResourceName.IsValid(request.Name), "name", ResourceName.Rule);
        ValidateCommon(errors, request.DisplayName, request.AllowedRegions, request.Labels);
        errors.ThrowIfAny();
    }

    public static void Validate(UpdateTenantRequest request)
    {
        var errors = new FieldErrors();
        errors.AddIf(request.DisplayName is { Length: 0 }, "displayName", "must not be empty");
        ValidateCommon(errors, request.DisplayName, request.AllowedRegions, request.Labels);
        errors.ThrowIfAny();
    }

    private static void ValidateCommon(FieldErrors errors, string? displayName,
        IReadOnlyList<string>? regions, IReadOnlyDictionary<string, string>? labels)
    {
        errors.AddIf(displayName?.Length > Tenant.DisplayNameMaxLength, "displayName", $"must be at most {Tenant.DisplayNameMaxLength} characters");
        if (regions is not null)
        {
            errors.AddIf(regions.Count > Tenant.MaxAllowedRegions, "allowedRegions", $"at most {Tenant.MaxAllowedRegions} regions");
            for (var i = 0; i < regions.Count; i++)
            {
                errors.AddIf(!ResourceName.IsValid(regions[i]), $"allowedRegions[{i}]", "a region " + ResourceName.Rule);
            }
        }

        foreach (var (key, problem) in Labels.Validate(labels))
        {
            errors.Add(key.Length == 0 ? "labels" : $"labels.{key}", problem);
        }
    }
}
