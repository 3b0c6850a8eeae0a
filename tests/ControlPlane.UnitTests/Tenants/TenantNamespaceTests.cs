using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using ControlPlane.Application.Placements;
using ControlPlane.Domain.Tenants;

namespace ControlPlane.UnitTests.Tenants;

public sealed class TenantNamespaceTests
{
    [Fact]
    public void A_tenant_namespace_names_its_tenant_and_no_other_namespace_does()
    {
        Assert.Equal("t-acme", TenantNamespace.For("acme"));
        Assert.Equal("acme", TenantNamespace.TenantOf(TenantNamespace.For("acme")));
        Assert.Equal("t-x", TenantNamespace.TenantOf("t-t-x"));
        Assert.Null(TenantNamespace.TenantOf("t-"));
        Assert.Null(TenantNamespace.TenantOf("kube-system"));
        Assert.Null(TenantNamespace.TenantOf("acme"));
    }

    /// <summary>Read from the compiled Application assembly's string literals: a second copy of the prefix would show.</summary>
    [Fact]
    public void Application_spells_no_tenant_namespace_itself()
    {
        using var assembly = new PEReader(File.OpenRead(typeof(CapacityLedger).Assembly.Location));
        var reader = assembly.GetMetadataReader();
        var literals = new List<string>();
        for (var handle = MetadataTokens.UserStringHandle(1); !handle.IsNil; handle = reader.GetNextHandle(handle))
        {
            literals.Add(reader.GetUserString(handle));
        }

        Assert.DoesNotContain(literals, text => text.StartsWith("t-", StringComparison.Ordinal));
    }
}
