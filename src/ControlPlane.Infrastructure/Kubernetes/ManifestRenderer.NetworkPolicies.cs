using ControlPlane.Application.Clusters;
using k8s.Models;

namespace ControlPlane.Infrastructure.Kubernetes;

public static partial class ManifestRenderer
{
    /// <summary>Name of the NetworkPolicy that denies all ingress and egress not allowed by another policy.</summary>
    public const string DefaultDenyPolicyName = "default-deny";

    /// <summary>Name of the NetworkPolicy that allows DNS and the model object store.</summary>
    public const string AllowDnsAndObjectStorePolicyName = "allow-dns-and-object-store";

    /// <summary>Name of the NetworkPolicy that allows egress to the control plane (the workload token endpoint).</summary>
    public const string AllowControlPlanePolicyName = "allow-controlplane";

    /// <summary>Name of the NetworkPolicy that allows traffic between the tenant's own pods.</summary>
    public const string AllowSameNamespacePolicyName = "allow-same-namespace";

    /// <summary>
    /// The tenant's network policies: default deny, then DNS + object store egress, egress to the control plane's token
    /// endpoint (workload identity), then same-namespace ingress.
    /// </summary>
    public static IReadOnlyList<V1NetworkPolicy> NetworkPolicies(TenantBaseline baseline)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        var controlPlane = baseline.ControlPlane is { } egress
            ? NetworkPolicy(baseline.Tenant, AllowControlPlanePolicyName, new V1NetworkPolicySpec
            {
                PodSelector = new V1LabelSelector(),
                PolicyTypes = ["Egress"],
                Egress = [ControlPlaneEgressRule(egress)],
            })
            : null;
        IEnumerable<V1NetworkPolicy?> policies =
        [
            NetworkPolicy(baseline.Tenant, DefaultDenyPolicyName, new V1NetworkPolicySpec
            {
                PodSelector = new V1LabelSelector(),
                PolicyTypes = ["Ingress", "Egress"],
            }),
            NetworkPolicy(baseline.Tenant, AllowDnsAndObjectStorePolicyName, new V1NetworkPolicySpec
            {
                PodSelector = new V1LabelSelector(),
                PolicyTypes = ["Egress"],
                Egress = EgressRules(baseline.ObjectStoreEgressCidrs),
            }),
            NetworkPolicy(baseline.Tenant, AllowSameNamespacePolicyName, new V1NetworkPolicySpec
            {
                PodSelector = new V1LabelSelector(),
                PolicyTypes = ["Ingress"],
                Ingress = [new V1NetworkPolicyIngressRule { FromProperty = [new V1NetworkPolicyPeer { PodSelector = new V1LabelSelector() }] }],
            }),
            controlPlane,
        ];
        return [.. policies.OfType<V1NetworkPolicy>()];
    }

    /// <summary>To the control plane's CIDRs, or to its pods by namespace and labels; on its ports over TCP.</summary>
    private static V1NetworkPolicyEgressRule ControlPlaneEgressRule(ControlPlaneEgress egress) => new()
    {
        To = egress.Cidrs.Count > 0
            ? egress.Cidrs.Order(StringComparer.Ordinal).Select(cidr => new V1NetworkPolicyPeer { IpBlock = new V1IPBlock { Cidr = cidr } }).ToList()
            :
            [
                new V1NetworkPolicyPeer
                {
                    NamespaceSelector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["kubernetes.io/metadata.name"] = egress.Namespace! } },
                    PodSelector = new V1LabelSelector { MatchLabels = egress.PodLabels.Count == 0 ? null : new SortedDictionary<string, string>(egress.PodLabels.ToDictionary(), StringComparer.Ordinal) },
                },
            ],
        Ports = [.. egress.Ports.Order().Select(port => Port("TCP", port))],
    };

    private static List<V1NetworkPolicyEgressRule> EgressRules(IReadOnlyList<string> objectStoreCidrs)
    {
        var rules = new List<V1NetworkPolicyEgressRule>
        {
            new()
            {
                To =
                [
                    new V1NetworkPolicyPeer
                    {
                        NamespaceSelector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["kubernetes.io/metadata.name"] = "kube-system" } },
                        PodSelector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["k8s-app"] = "kube-dns" } },
                    },
                ],
                Ports = [Port("UDP", 53), Port("TCP", 53)],
            },
        };

        // An egress rule with no destinations allows every destination, so the rule is left out when there is no CIDR.
        if (objectStoreCidrs.Count > 0)
        {
            rules.Add(new V1NetworkPolicyEgressRule
            {
                To = objectStoreCidrs.Order(StringComparer.Ordinal).Select(cidr => new V1NetworkPolicyPeer { IpBlock = new V1IPBlock { Cidr = cidr } }).ToList(),
                Ports = [Port("TCP", 443), Port("TCP", 9000)],
            });
        }

        return rules;
    }

    private static V1NetworkPolicyPort Port(string protocol, int port) => new() { Protocol = protocol, Port = port };

    private static V1NetworkPolicy NetworkPolicy(string tenant, string name, V1NetworkPolicySpec spec) => new()
    {
        ApiVersion = "networking.k8s.io/v1",
        Kind = "NetworkPolicy",
        Metadata = TenantMetadata(tenant, name),
        Spec = spec,
    };
}
