using ControlPlane.Application.Clusters;
using ControlPlane.Domain.Tenants;
using ControlPlane.Infrastructure.Kubernetes;
using k8s;
using k8s.Models;

namespace ControlPlane.IntegrationTests.Kubernetes;

public sealed class ManifestRendererTests
{
    [Theory]
    [InlineData(IsolationTier.Soft, "baseline")]
    [InlineData(IsolationTier.Strong, "restricted")]
    [InlineData(IsolationTier.Physical, "restricted")]
    public void Namespace_enforces_the_pod_security_level_of_the_tier(IsolationTier tier, string level)
    {
        var ns = ManifestRenderer.Namespace(TestManifests.Baseline(tier));

        Assert.Equal(("v1", "Namespace", "t-acme"), (ns.ApiVersion, ns.Kind, ns.Metadata.Name));
        Assert.Equal(level, ns.Metadata.Labels["pod-security.kubernetes.io/enforce"]);
        Assert.Equal(tier.ToString().ToLowerInvariant(), ns.Metadata.Labels["controlplane.io/isolation-tier"]);
    }

    [Fact]
    public void Every_rendered_object_carries_type_metadata_and_the_control_plane_labels()
    {
        var baseline = TestManifests.Baseline(IsolationTier.Strong, "10.0.0.0/8");
        var inference = TestManifests.Inference();
        IEnumerable<IKubernetesObject<V1ObjectMeta>> objects =
        [
            ManifestRenderer.Namespace(baseline), ManifestRenderer.ResourceQuota(baseline), ManifestRenderer.LimitRange(baseline),
            .. ManifestRenderer.NetworkPolicies(baseline), ManifestRenderer.RoleBinding(baseline),
            ManifestRenderer.Deployment(inference), ManifestRenderer.Service(inference), ManifestRenderer.Job(TestManifests.Training()),
        ];

        Assert.All(objects, o =>
        {
            Assert.False(string.IsNullOrEmpty(o.ApiVersion));
            Assert.False(string.IsNullOrEmpty(o.Kind));
            Assert.Equal("controlplane", o.Metadata.Labels["app.kubernetes.io/managed-by"]);
            Assert.Equal("acme", o.Metadata.Labels["controlplane.io/tenant"]);
        });
    }

    [Fact]
    public void Without_object_store_CIDRs_no_open_egress_rule_is_rendered()
    {
        var policy = ManifestRenderer.NetworkPolicies(TestManifests.Baseline()).Single(p => p.Metadata.Name == "allow-dns-and-object-store");

        // An egress rule without destinations would allow all egress.
        var rule = Assert.Single(policy.Spec.Egress);
        Assert.NotEmpty(rule.To);
    }

    [Fact]
    public void Egress_to_the_control_plane_defaults_to_the_pods_of_the_token_endpoints_in_cluster_service()
    {
        var options = new ControlPlane.Application.Reconciliation.ReconcilerOptions();
        var baseline = TestManifests.Baseline() with { ControlPlane = ControlPlane.Application.Reconciliation.ManifestBuilder.ControlPlaneEgress(options) };

        var rule = Assert.Single(ManifestRenderer.NetworkPolicies(baseline).Single(p => p.Metadata.Name == "allow-controlplane").Spec.Egress);

        // http://controlplane.controlplane.svc.cluster.local/connect/token: port 80 of the URL, 8080 where the chart's pods listen.
        var peer = Assert.Single(rule.To);
        Assert.Equal("controlplane", peer.NamespaceSelector.MatchLabels["kubernetes.io/metadata.name"]);
        Assert.Equal("controlplane", peer.PodSelector.MatchLabels["app.kubernetes.io/name"]);
        Assert.Equal([80, 8080], rule.Ports.Select(p => p.Port.Value).Select(int.Parse));
    }

    [Fact]
    public void Egress_to_the_control_plane_goes_to_configured_cidrs_and_ports_and_an_external_url_alone_opens_nothing()
    {
        var configured = new ControlPlane.Application.Reconciliation.ReconcilerOptions
        {
            WorkloadTokenEndpoint = "https://cp.example.com/connect/token",
            ControlPlaneEgress = { Cidrs = ["203.0.113.10/32"], Ports = [443] },
        };
        var external = new ControlPlane.Application.Reconciliation.ReconcilerOptions { WorkloadTokenEndpoint = "https://cp.example.com/connect/token" };

        var egress = ControlPlane.Application.Reconciliation.ManifestBuilder.ControlPlaneEgress(configured)!;
        var rule = Assert.Single(ManifestRenderer.NetworkPolicies(TestManifests.Baseline() with { ControlPlane = egress })
            .Single(p => p.Metadata.Name == "allow-controlplane").Spec.Egress);

        Assert.Equal("203.0.113.10/32", Assert.Single(rule.To).IpBlock.Cidr);
        Assert.Equal("443", Assert.Single(rule.Ports).Port.Value);
        Assert.Null(ControlPlane.Application.Reconciliation.ManifestBuilder.ControlPlaneEgress(external));
        Assert.DoesNotContain(ManifestRenderer.NetworkPolicies(TestManifests.Baseline()), p => p.Metadata.Name == "allow-controlplane");
    }

    [Fact]
    public void The_pod_template_meets_pod_security_restricted()
    {
        var pod = ManifestRenderer.Deployment(TestManifests.Inference(modelPull: TestManifests.ModelPull)).Spec.Template.Spec;

        var container = Assert.Single(pod.Containers);
        Assert.True(pod.SecurityContext.RunAsNonRoot);
        Assert.Equal("RuntimeDefault", pod.SecurityContext.SeccompProfile.Type);
        Assert.False(container.SecurityContext.AllowPrivilegeEscalation);
        Assert.Equal(["ALL"], container.SecurityContext.Capabilities.Drop);
    }

    [Fact]
    public void Rendering_is_deterministic_whatever_the_order_of_the_inputs()
    {
        var manifest = TestManifests.Inference(modelPull: TestManifests.ModelPull) with
        {
            NodeSelector = new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" },
        };
        var reordered = manifest with
        {
            Env = manifest.Env.Reverse().ToDictionary(),
            NodeSelector = manifest.NodeSelector.Reverse().ToDictionary(),
        };

        Assert.Equal(KubernetesJson.Serialize(ManifestRenderer.Deployment(manifest)), KubernetesJson.Serialize(ManifestRenderer.Deployment(reordered)));
    }

    [Fact]
    public void Model_pull_variables_win_over_caller_variables_of_the_same_name()
    {
        var manifest = TestManifests.Inference(modelPull: TestManifests.ModelPull) with
        {
            Env = new Dictionary<string, string> { ["CONTROLPLANE_TOKEN_PATH"] = "/tmp/elsewhere" },
        };

        var env = ManifestRenderer.Deployment(manifest).Spec.Template.Spec.Containers[0].Env;

        Assert.Equal("/var/run/secrets/controlplane/token", Assert.Single(env, e => e.Name == "CONTROLPLANE_TOKEN_PATH").Value);
    }

    [Fact]
    public void A_spot_toleration_already_among_the_pool_tolerations_is_not_repeated()
    {
        var manifest = TestManifests.Inference() with { Tolerations = [new PlacementToleration("controlplane.io/capacity-type", "spot", "NoSchedule")] };

        var tolerations = ManifestRenderer.Deployment(manifest).Spec.Template.Spec.Tolerations;

        var spot = Assert.Single(tolerations);
        Assert.Equal("Equal", spot.OperatorProperty);
    }

    [Fact]
    public void A_Deployment_rolls_without_surge_because_GPUs_are_reserved_per_replica()
    {
        var strategy = ManifestRenderer.Deployment(TestManifests.Inference()).Spec.Strategy.RollingUpdate;

        Assert.Equal("0", (string)strategy.MaxSurge!);
        Assert.Equal("1", (string)strategy.MaxUnavailable!);
    }

    [Fact]
    public void A_Job_runs_every_replica_in_parallel_to_completion()
    {
        var job = ManifestRenderer.Job(TestManifests.Training() with { Replicas = 4 });

        Assert.Equal((4, 4, 3), (job.Spec.Parallelism, job.Spec.Completions, job.Spec.BackoffLimit));
        Assert.Null(job.Spec.Selector);
        Assert.Equal("finetune", job.Spec.Template.Metadata.Labels["controlplane.io/placement"]);
    }
}
