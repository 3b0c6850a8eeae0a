using ControlPlane.Domain.Tenants;

namespace ControlPlane.IntegrationTests.Kubernetes;

public sealed class TenantBaselineApplyTests : GatewayTestBase
{
    private const string Ns = TestManifests.Namespace;

    [Fact]
    public async Task Applying_the_baseline_creates_the_namespace_and_its_objects()
    {
        await Gateway.ApplyTenantBaselineAsync(Connection, TestManifests.Baseline(IsolationTier.Strong, "10.20.0.0/16"), CancellationToken.None);

        var ns = Emulator.Get("v1", "namespaces", null, Ns)!;
        Assert.Equal("controlplane", (string?)ns["metadata"]!["labels"]!["app.kubernetes.io/managed-by"]);
        Assert.Equal("acme", (string?)ns["metadata"]!["labels"]!["controlplane.io/tenant"]);
        Assert.Equal("strong", (string?)ns["metadata"]!["labels"]!["controlplane.io/isolation-tier"]);
        Assert.Equal("restricted", (string?)ns["metadata"]!["labels"]!["pod-security.kubernetes.io/enforce"]);

        var quota = Emulator.Get("v1", "resourcequotas", Ns, "controlplane-gpu")!;
        Assert.Equal("8", (string?)quota["spec"]!["hard"]!["requests.nvidia.com/gpu"]);
        Assert.Equal("14", (string?)quota["spec"]!["hard"]!["requests.nvidia.com/mig-1g.10gb"]);

        var limits = Emulator.Get("v1", "limitranges", Ns, "controlplane-defaults")!["spec"]!["limits"]![0]!;
        Assert.Equal("500m", (string?)limits["defaultRequest"]!["cpu"]);
        Assert.Equal("8Gi", (string?)limits["default"]!["memory"]);

        Assert.Equal(
            ["allow-dns-and-object-store", "allow-same-namespace", "default-deny"],
            Emulator.List("networking.k8s.io/v1", "networkpolicies", Ns).Select(p => (string?)p["metadata"]!["name"]));

        var binding = Emulator.Get("rbac.authorization.k8s.io/v1", "rolebindings", Ns, "controlplane-tenant-edit")!;
        Assert.Equal("edit", (string?)binding["roleRef"]!["name"]);
        Assert.Equal("controlplane:tenant:acme", (string?)binding["subjects"]![0]!["name"]);
    }

    [Fact]
    public async Task The_control_plane_egress_policy_goes_when_its_configuration_is_removed()
    {
        var configured = new ControlPlane.Application.Reconciliation.ReconcilerOptions
        {
            WorkloadTokenEndpoint = "https://cp.example.com/connect/token",
            ControlPlaneEgress = { Cidrs = ["203.0.113.10/32"], Ports = [443] },
        };
        var egress = ControlPlane.Application.Reconciliation.ManifestBuilder.ControlPlaneEgress(configured)!;
        await Gateway.ApplyTenantBaselineAsync(Connection, TestManifests.Baseline() with { ControlPlane = egress }, CancellationToken.None);
        Assert.NotNull(Emulator.Get("networking.k8s.io/v1", "networkpolicies", Ns, "allow-controlplane"));

        await Gateway.ApplyTenantBaselineAsync(Connection, TestManifests.Baseline(), CancellationToken.None);
        Assert.Null(Emulator.Get("networking.k8s.io/v1", "networkpolicies", Ns, "allow-controlplane"));
        Assert.Equal(
            ["allow-dns-and-object-store", "allow-same-namespace", "default-deny"],
            Emulator.List("networking.k8s.io/v1", "networkpolicies", Ns).Select(p => (string?)p["metadata"]!["name"]));

        // Applying again without it is quiet: the policy already gone counts as deleted.
        await Gateway.ApplyTenantBaselineAsync(Connection, TestManifests.Baseline(), CancellationToken.None);
    }

    [Fact]
    public async Task Namespace_is_applied_before_the_objects_inside_it()
    {
        await Gateway.ApplyTenantBaselineAsync(Connection, TestManifests.Baseline(), CancellationToken.None);

        var patches = Emulator.Requests.Where(r => r.Method == "PATCH").ToList();
        Assert.Equal("/api/v1/namespaces/t-acme", patches[0].Path);
        Assert.Equal(7, patches.Count);
        Assert.All(patches, p =>
        {
            Assert.StartsWith("application/apply-patch+yaml", p.ContentType, StringComparison.Ordinal);
            Assert.Contains("fieldManager=controlplane", p.QueryString, StringComparison.Ordinal);
            Assert.Contains("force=true", p.QueryString, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Default_deny_and_allowed_egress_are_rendered_as_network_policies()
    {
        await Gateway.ApplyTenantBaselineAsync(Connection, TestManifests.Baseline(IsolationTier.Soft, "10.20.0.0/16", "192.168.5.0/24"), CancellationToken.None);

        var deny = Emulator.Get("networking.k8s.io/v1", "networkpolicies", Ns, "default-deny")!["spec"]!;
        Assert.Empty(deny["podSelector"]!.AsObject());
        Assert.Equal(["Ingress", "Egress"], deny["policyTypes"]!.AsArray().Select(t => (string?)t));
        Assert.Null(deny["ingress"]);
        Assert.Null(deny["egress"]);

        var egress = Emulator.Get("networking.k8s.io/v1", "networkpolicies", Ns, "allow-dns-and-object-store")!["spec"]!["egress"]!.AsArray();
        var dns = egress[0]!;
        Assert.Equal("kube-system", (string?)dns["to"]![0]!["namespaceSelector"]!["matchLabels"]!["kubernetes.io/metadata.name"]);
        Assert.Equal("kube-dns", (string?)dns["to"]![0]!["podSelector"]!["matchLabels"]!["k8s-app"]);
        Assert.Equal(["UDP/53", "TCP/53"], dns["ports"]!.AsArray().Select(p => $"{p!["protocol"]}/{p["port"]}"));
        var store = egress[1]!;
        Assert.Equal(["10.20.0.0/16", "192.168.5.0/24"], store["to"]!.AsArray().Select(p => (string?)p!["ipBlock"]!["cidr"]));
        Assert.Equal(["TCP/443", "TCP/9000"], store["ports"]!.AsArray().Select(p => $"{p!["protocol"]}/{p["port"]}"));

        var sameNamespace = Emulator.Get("networking.k8s.io/v1", "networkpolicies", Ns, "allow-same-namespace")!["spec"]!;
        Assert.Empty(sameNamespace["ingress"]![0]!["from"]![0]!["podSelector"]!.AsObject());
        Assert.Equal("baseline", (string?)Emulator.Get("v1", "namespaces", null, Ns)!["metadata"]!["labels"]!["pod-security.kubernetes.io/enforce"]);
    }

    [Fact]
    public async Task Applying_the_baseline_twice_changes_nothing()
    {
        var baseline = TestManifests.Baseline(IsolationTier.Strong, "10.20.0.0/16");
        await Gateway.ApplyTenantBaselineAsync(Connection, baseline, CancellationToken.None);
        var before = ResourceVersions();

        await Gateway.ApplyTenantBaselineAsync(Connection, baseline, CancellationToken.None);

        Assert.Equal(7, before.Count);
        Assert.Equal(before, ResourceVersions());
        Assert.Single(Emulator.List("v1", "resourcequotas", Ns));
        Assert.Single(Emulator.List("v1", "limitranges", Ns));
        Assert.Single(Emulator.List("rbac.authorization.k8s.io/v1", "rolebindings", Ns));
    }

    private Dictionary<string, string?> ResourceVersions() =>
        new[]
        {
            ("v1", "namespaces"), ("v1", "resourcequotas"), ("v1", "limitranges"),
            ("networking.k8s.io/v1", "networkpolicies"), ("rbac.authorization.k8s.io/v1", "rolebindings"),
        }
        .SelectMany(t => Emulator.List(t.Item1, t.Item2, t.Item2 == "namespaces" ? null : Ns))
        .Where(o => (string?)o["metadata"]!["name"] is not ("default" or "kube-system"))
        .ToDictionary(o => $"{o["kind"]}/{o["metadata"]!["name"]}", o => (string?)o["metadata"]!["resourceVersion"]);
}
