using ControlPlane.Domain.Common;
using ControlPlane.Domain.Tenants;

namespace ControlPlane.UnitTests.Tenants;

public sealed class TenantTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    private static Tenant NewTenant() => Tenant.Create("acme", "Acme", IsolationTier.Soft, ["eu-north1", "eu-north1", "a-region"], new Dictionary<string, string>(), Now);

    [Fact]
    public void Regions_are_deduplicated_and_sorted()
    {
        Assert.Equal(["a-region", "eu-north1"], NewTenant().AllowedRegions);
    }

    [Fact]
    public void Suspend_and_resume_follow_the_state_machine()
    {
        var tenant = NewTenant();
        tenant.Suspend(Now);
        Assert.Equal(TenantState.Suspended, tenant.State);
        Assert.Equal("tenant-not-active", Assert.Throws<DomainRuleViolation>(() => tenant.Suspend(Now)).Code);
        Assert.Equal("tenant-suspended", Assert.Throws<DomainRuleViolation>(tenant.EnsureCanCreate).Code);
        tenant.Resume(Now);
        Assert.Equal(TenantState.Active, tenant.State);
        Assert.Equal("tenant-not-suspended", Assert.Throws<DomainRuleViolation>(() => tenant.Resume(Now)).Code);
        tenant.EnsureCanCreate();
    }

    [Fact]
    public void Update_changes_only_given_fields()
    {
        var tenant = NewTenant();
        tenant.Update(null, IsolationTier.Strong, null, null, Now.AddMinutes(1));
        Assert.Equal("Acme", tenant.DisplayName);
        Assert.Equal(IsolationTier.Strong, tenant.IsolationTier);
        Assert.Equal(Now.AddMinutes(1), tenant.UpdatedAt);
    }
}
