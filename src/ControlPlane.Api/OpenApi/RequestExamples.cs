using System.Text.Json.Nodes;
using ControlPlane.Application.Billing;
using ControlPlane.Application.Clusters;
using ControlPlane.Application.Models;
using ControlPlane.Application.Placements;
using ControlPlane.Application.Quotas;
using ControlPlane.Application.Rollouts;
using ControlPlane.Application.ServiceAccounts;
using ControlPlane.Application.Slos;
using ControlPlane.Application.Tenants;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ControlPlane.Api.OpenApi;

/// <summary>
/// An example for every JSON request body, keyed by the body's type, so Swagger UI and generated clients show a request
/// that works. Spectral checks each against its schema (bounds included), and a test binds each to its type and fails
/// when an operation's body has none: a new request type adds its example here.
/// </summary>
internal sealed class RequestExamples : IOpenApiOperationTransformer
{
    public static readonly IReadOnlyDictionary<Type, string> ByType = new Dictionary<Type, string>
    {
        [typeof(CreateTenantRequest)] = """
            {"name": "acme", "displayName": "Acme Corp", "isolationTier": "strong", "allowedRegions": ["eu-west"], "labels": {"team": "ml"}}
            """,
        [typeof(UpdateTenantRequest)] = """{"displayName": "Acme Corporation", "allowedRegions": ["eu-west", "us-east"]}""",
        [typeof(SetQuotaRequest)] = """{"limit": 16}""",
        [typeof(CreateServiceAccountRequest)] = """{"name": "ci", "role": "developer", "description": "The release pipeline"}""",
        [typeof(CreateWorkloadIdentityBindingRequest)] = """{"name": "runner", "cluster": "gpu-eu-1", "namespace": "t-acme", "kubernetesServiceAccount": "ci-runner"}""",
        [typeof(UsageBatchRequest)] = """
            {"tenant": "acme", "events": [{"id": "evt-0001", "source": "gateway/eu-west", "type": "inferences", "subject": "llm",
              "time": "2026-11-29T12:00:00Z", "data": {"quantity": 120, "dimensions": {"model": "llm"}}}]}
            """,
        [typeof(CreateClusterRequest)] = """
            {"name": "eu-west-1", "region": "eu-west", "apiServerUrl": "https://k8s.eu-west-1.example.com:6443"}
            """,
        [typeof(UpdateClusterRequest)] = """{"region": "eu-west"}""",
        [typeof(CreateNodePoolRequest)] = """
            {"name": "h100-on-demand", "gpuModel": "h100", "gpuMemoryGiB": 80, "gpusPerNode": 8, "nodeCount": 4,
             "capacityType": "on-demand", "purposes": ["inference", "training"], "pricePerGpuHour": 2.5}
            """,
        [typeof(UpdateNodePoolRequest)] = """{"nodeCount": 6}""",
        [typeof(CreatePlacementRequest)] = """
            {"name": "llm", "kind": "inference", "image": "registry.example.com/vllm:0.6", "resources": {"gpuModel": "h100", "gpusPerReplica": 1},
             "model": {"name": "llm", "alias": "production"}}
            """,
        [typeof(UpdatePlacementRequest)] = """{"replicas": {"min": 2, "max": 4}}""",
        [typeof(CreateModelRequest)] = """{"name": "llm", "description": "A chat model", "task": "text-generation"}""",
        [typeof(UpdateModelRequest)] = """{"description": "A chat model, instruction-tuned"}""",
        [typeof(RegisterVersionRequest)] = """
            {"files": [{"path": "config.json", "digest": "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "sizeBytes": 2048,
                        "mediaType": "application/json"},
                       {"path": "weights/model-00001-of-00002.safetensors", "digest": "sha256:60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752",
                        "sizeBytes": 4294967296}],
             "format": "safetensors", "quantization": "bf16", "provenance": {"codeRepository": "https://git.example.com/ml/llm", "codeCommit": "3f2a9c1"}}
            """,
        [typeof(UploadPartsRequest)] = """{"parts": [2, 3]}""",
        [typeof(StartRolloutRequest)] = """
            {"model": {"name": "llm", "version": 7}, "image": null,
             "strategy": {"type": "canary", "steps": [{"weight": 5, "pause": "5m"}, {"weight": 25, "pause": "10m"}, {"weight": 50, "pause": "10m"}]},
             "analysis": {"interval": "1m", "failureLimit": 2, "gates": [
               {"metric": "error-rate", "max": 0.01}, {"metric": "latency-p95", "maxSeconds": 0.5},
               {"metric": "cost-per-1k-inferences", "maxIncreasePercent": 10}]}}
            """,
        [typeof(SetAliasRequest)] = """{"version": 1}""",
        [typeof(PutPriceBookRequest)] = """
            {"currency": "USD", "effectiveFrom": "2026-12-01T00:00:00Z",
             "prices": [{"meter": "gpu-seconds", "dimensions": {"gpuModel": "h100", "capacityType": "on-demand"}, "unitPrice": 0.0008}]}
            """,
        [typeof(PutBudgetRequest)] = """{"monthlyAmount": 10000, "alertThresholds": [50, 80, 100], "hardCap": true}""",
        [typeof(PutSloRequest)] = """
            {"placement": "llm", "objective": 0.999, "window": "30d", "indicator": {"kind": "availability", "metrics": "vllm"}}
            """,
    };

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var body = context.Description.ParameterDescriptions.FirstOrDefault(p => p.Source == Microsoft.AspNetCore.Mvc.ModelBinding.BindingSource.Body);
        if (body is not null && ByType.TryGetValue(body.Type, out var example)
            && operation.RequestBody?.Content?.TryGetValue("application/json", out var media) == true && media is OpenApiMediaType json)
        {
            json.Example = JsonNode.Parse(example);
        }

        return Task.CompletedTask;
    }
}
