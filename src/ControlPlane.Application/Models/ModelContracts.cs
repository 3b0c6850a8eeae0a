using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using ControlPlane.Domain.Common;
using ControlPlane.Domain.Models;

namespace ControlPlane.Application.Models;

/// <summary>A model of a tenant.</summary>
/// <param name="Id">Stable identifier.</param>
/// <param name="Tenant">Owning tenant.</param>
/// <param name="Name">DNS-1123 label, unique in the tenant.</param>
/// <param name="Description">What the model is.</param>
/// <param name="Task">What it does (e.g. text-generation).</param>
/// <param name="Labels">Free-form labels.</param>
/// <param name="LatestVersion">The highest version number registered so far (0 when none).</param>
/// <param name="CreatedAt">Creation time (UTC).</param>
/// <param name="UpdatedAt">Last change (UTC).</param>
public sealed record ModelResponse(Guid Id, string Tenant, string Name, string Description, string Task,
    IReadOnlyDictionary<string, string> Labels, int LatestVersion, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>Creates a model.</summary>
/// <param name="Name">DNS-1123 label, unique in the tenant.</param>
/// <param name="Description">What the model is.</param>
/// <param name="Task">What it does (e.g. text-generation).</param>
/// <param name="Labels">Free-form labels.</param>
public sealed record CreateModelRequest(
    [property: MaxLength(ResourceName.MaxLength), RegularExpression(ResourceName.Pattern)] string Name,
    [property: MaxLength(Model.DescriptionMaxLength)] string? Description = null,
    [property: MaxLength(Model.TaskMaxLength)] string? Task = null,
    [property: MaxLength(Domain.Common.Labels.MaxCount)] IReadOnlyDictionary<string, string>? Labels = null);

/// <summary>Changes a model's description, task or labels (its versions never change).</summary>
/// <param name="Description">New description.</param>
/// <param name="Task">New task.</param>
/// <param name="Labels">New labels (replace the old ones).</param>
public sealed record UpdateModelRequest(
    [property: MaxLength(Model.DescriptionMaxLength)] string? Description = null,
    [property: MaxLength(Model.TaskMaxLength)] string? Task = null,
    [property: MaxLength(Domain.Common.Labels.MaxCount)] IReadOnlyDictionary<string, string>? Labels = null);

/// <summary>Where a version came from.</summary>
/// <param name="TrainingDataHash">Digest of the training data.</param>
/// <param name="CodeRepository">Repository of the training code.</param>
/// <param name="CodeCommit">Commit of the training code.</param>
/// <param name="Hyperparameters">Hyperparameters (any JSON object).</param>
/// <param name="BaseModelDigest">sha256 digest of the base model it was fine-tuned from.</param>
/// <param name="ProducingPlacement">Name of the training placement that produced it.</param>
/// <param name="Labels">Free-form labels.</param>
public sealed record ProvenanceDto(string? TrainingDataHash = null, string? CodeRepository = null, string? CodeCommit = null,
    JsonElement? Hyperparameters = null, string? BaseModelDigest = null, string? ProducingPlacement = null,
    IReadOnlyDictionary<string, string>? Labels = null);

/// <summary>Registers a version by its content: the service never fetches anything, the caller uploads to the returned URL.</summary>
/// <param name="Digest">sha256:&lt;64 lower-case hex&gt; of the artifact.</param>
/// <param name="SizeBytes">Exact size of the artifact.</param>
/// <param name="Format">safetensors, onnx, gguf, tensorrt or pytorch.</param>
/// <param name="Quantization">fp32, bf16, fp16, fp8, int8 or int4.</param>
/// <param name="Provenance">Where it came from.</param>
public sealed record RegisterVersionRequest(string Digest, long SizeBytes, ArtifactFormat? Format, Quantization? Quantization,
    ProvenanceDto? Provenance = null);

/// <summary>A model version.</summary>
/// <param name="Model">The model's name.</param>
/// <param name="Version">The version number (monotonically increasing per model).</param>
/// <param name="Digest">sha256 digest of the artifact (the version's identity).</param>
/// <param name="SizeBytes">Size of the artifact.</param>
/// <param name="Format">Artifact format.</param>
/// <param name="Quantization">Weight precision.</param>
/// <param name="Provenance">Where it came from.</param>
/// <param name="State">pending-upload, ready or failed.</param>
/// <param name="FailureReason">Why finalize failed.</param>
/// <param name="ArtifactUri">s3://bucket/key of the artifact.</param>
/// <param name="Upload">Where to PUT the artifact, while the version is pending.</param>
/// <param name="CreatedAt">Registration time (UTC).</param>
/// <param name="FinalizedAt">When it was verified (UTC).</param>
public sealed record ModelVersionResponse(string Model, int Version, string Digest, long SizeBytes, ArtifactFormat Format,
    Quantization Quantization, ProvenanceDto Provenance, ModelVersionState State, string? FailureReason, string ArtifactUri,
    UploadTarget? Upload, DateTimeOffset CreatedAt, DateTimeOffset? FinalizedAt);

/// <summary>A presigned upload.</summary>
/// <param name="Url">PUT the artifact's bytes here.</param>
/// <param name="ExpiresAt">When the URL stops working (at most 15 minutes after it was issued).</param>
public sealed record UploadTarget(Uri Url, DateTimeOffset ExpiresAt);

/// <summary>Credentials to pull exactly one version.</summary>
/// <param name="Token">JWT from the control plane's issuer, audience model-store, with the tenant and digest as claims.</param>
/// <param name="PresignedUrl">GET the artifact here; expires with the token.</param>
/// <param name="ExpiresAt">When both expire.</param>
public sealed record PullCredentialsResponse(string Token, Uri PresignedUrl, DateTimeOffset ExpiresAt);

/// <summary>Points an alias at a version.</summary>
/// <param name="Version">The version number.</param>
public sealed record SetAliasRequest(int? Version);

/// <summary>An alias and the version it resolves to.</summary>
/// <param name="Model">The model's name.</param>
/// <param name="Alias">The alias (e.g. production).</param>
/// <param name="Version">The version number it points at.</param>
/// <param name="Digest">The version's digest.</param>
/// <param name="UpdatedAt">When it last moved (UTC).</param>
public sealed record AliasResponse(string Model, string Alias, int Version, string Digest, DateTimeOffset UpdatedAt);

/// <summary>Where a version comes from and where it is used.</summary>
/// <param name="Version">The version asked about.</param>
/// <param name="Ancestors">Base models, nearest first, followed through base-model digests across the tenant's models.</param>
/// <param name="ProducedBy">The training placement that produced it, if recorded.</param>
/// <param name="Descendants">Versions whose base model is this one.</param>
/// <param name="ServedBy">Live placements (not yet finished) that serve this version's digest.</param>
public sealed record LineageResponse(LineageNode Version, IReadOnlyList<LineageNode> Ancestors, string? ProducedBy,
    IReadOnlyList<LineageNode> Descendants, IReadOnlyList<ServingPlacement> ServedBy);

/// <summary>A placement serving a version.</summary>
/// <param name="Name">Placement name.</param>
/// <param name="Phase">Its phase (pending, applying, running, …).</param>
public sealed record ServingPlacement(string Name, Domain.Placements.PlacementPhase Phase);

/// <summary>One version in a lineage.</summary>
/// <param name="Model">Model name.</param>
/// <param name="Version">Version number.</param>
/// <param name="Digest">Digest.</param>
public sealed record LineageNode(string Model, int Version, string Digest);
