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

/// <summary>One file of a version's manifest.</summary>
/// <param name="Path">Relative '/'-separated path in the model directory (config.json, weights/model-00001-of-00004.safetensors): no
/// leading or trailing '/', no empty, '.' or '..' segments, no control characters, backslash, '"' or '%'; at most 512 characters.</param>
/// <param name="Digest">sha256:&lt;64 lower-case hex&gt; of the file's bytes.</param>
/// <param name="SizeBytes">Exact size of the file.</param>
/// <param name="MediaType">Media type (application/octet-stream when absent).</param>
public sealed record ManifestFileDto(string Path, string Digest, long SizeBytes, string? MediaType = null);

/// <summary>
/// Registers a version by its content: either <c>files</c> (a manifest of up to 1,000 files) or the single-object form
/// <c>digest</c> + <c>sizeBytes</c> (a manifest of one file at path "model" whose digest is the version's digest).
/// The service never fetches anything: the caller uploads by the returned plan.
/// </summary>
/// <param name="Files">The manifest: unique paths, at most 1,000 files. The version's digest is the SHA-256 of its canonical form.</param>
/// <param name="Digest">Single-object form: sha256:&lt;64 lower-case hex&gt; of the one artifact.</param>
/// <param name="SizeBytes">Single-object form: exact size of the one artifact.</param>
/// <param name="Format">safetensors, onnx, gguf, tensorrt or pytorch.</param>
/// <param name="Quantization">fp32, bf16, fp16, fp8, int8 or int4.</param>
/// <param name="Provenance">Where it came from.</param>
public sealed record RegisterVersionRequest(IReadOnlyList<ManifestFileDto>? Files = null, string? Digest = null, long? SizeBytes = null,
    ArtifactFormat? Format = null, Quantization? Quantization = null, ProvenanceDto? Provenance = null);

/// <summary>A model version.</summary>
/// <param name="Model">The model's name.</param>
/// <param name="Version">The version number (monotonically increasing per model).</param>
/// <param name="Digest">The version's identity: sha256 of the canonical manifest (digestSource manifest), or of the one file
/// (digestSource sole-file: the single-object form and versions that predate manifests).</param>
/// <param name="DigestSource">manifest or sole-file: what the digest is the SHA-256 of.</param>
/// <param name="SizeBytes">Total size of the files.</param>
/// <param name="Format">Artifact format.</param>
/// <param name="Quantization">Weight precision.</param>
/// <param name="Provenance">Where it came from.</param>
/// <param name="State">pending-upload, ready or failed.</param>
/// <param name="FailureReason">Why finalize failed (each mismatching file by path).</param>
/// <param name="Files">The manifest, sorted by path.</param>
/// <param name="Uploads">While pending (on register and on GET of the version): how to upload each file, with fresh URLs.</param>
/// <param name="CreatedAt">Registration time (UTC).</param>
/// <param name="FinalizedAt">When it was verified (UTC).</param>
public sealed record ModelVersionResponse(string Model, int Version, string Digest, VersionDigestSource DigestSource, long SizeBytes,
    ArtifactFormat Format, Quantization Quantization, ProvenanceDto Provenance, ModelVersionState State, string? FailureReason,
    IReadOnlyList<ManifestFileDto> Files, IReadOnlyList<FileUpload>? Uploads, DateTimeOffset CreatedAt, DateTimeOffset? FinalizedAt);

/// <summary>How one file gets uploaded.</summary>
public enum UploadMethod
{
    /// <summary>One PUT of the whole file to url.</summary>
    Put,

    /// <summary>An S3 multipart upload: PUT each part's bytes to its url; finalize completes it.</summary>
    Multipart,

    /// <summary>Nothing to upload: this tenant already stores a file with this digest.</summary>
    Stored,
}

/// <summary>The upload plan of one file.</summary>
/// <param name="Path">The file's path.</param>
/// <param name="Digest">The file's digest.</param>
/// <param name="Method">put, multipart or stored.</param>
/// <param name="Url">put: PUT the whole file here.</param>
/// <param name="ExpiresAt">When url and the part urls stop working (at most 15 minutes after they were issued).</param>
/// <param name="UploadId">multipart: the S3 upload id.</param>
/// <param name="PartSizeBytes">multipart: bytes of every part but the last (the last holds the rest). Part n covers bytes
/// [(n-1)·partSizeBytes, min(n·partSizeBytes, sizeBytes)).</param>
/// <param name="Parts">multipart: a presigned PUT url per part number (all parts on register; the asked ones from :upload-parts).</param>
public sealed record FileUpload(string Path, string Digest, UploadMethod Method, Uri? Url = null, DateTimeOffset? ExpiresAt = null,
    string? UploadId = null, long? PartSizeBytes = null, IReadOnlyList<PartUpload>? Parts = null);

/// <summary>Where to PUT one part of a multipart upload.</summary>
/// <param name="Number">Part number, from 1.</param>
/// <param name="Url">Presigned PUT url.</param>
public sealed record PartUpload(int Number, Uri Url);

/// <summary>Asks for fresh presigned URLs for parts of a file's multipart upload (a failed or expired part is simply asked again).</summary>
/// <param name="Parts">Part numbers, from 1 to the file's part count; unique; at most 10,000.</param>
public sealed record UploadPartsRequest(IReadOnlyList<int>? Parts);

/// <summary>Credentials to pull exactly one version: one token, a presigned GET per file.</summary>
/// <param name="Token">JWT from the control plane's issuer, audience model-store, with the tenant and the version's digest as claims.</param>
/// <param name="PresignedUrl">One-file versions only (null otherwise): the same URL as files[0].url, kept for clients of the single-object form.</param>
/// <param name="Files">Every file of the version with a presigned GET url; the urls expire with the token.</param>
/// <param name="ExpiresAt">When the token and the urls expire.</param>
public sealed record PullCredentialsResponse(string Token, Uri? PresignedUrl, IReadOnlyList<FileDownload> Files, DateTimeOffset ExpiresAt);

/// <summary>Where to GET one file of a version.</summary>
/// <param name="Path">The file's path in the model directory.</param>
/// <param name="Digest">sha256 of its bytes (verify after download).</param>
/// <param name="SizeBytes">Its size.</param>
/// <param name="Url">Presigned GET url.</param>
public sealed record FileDownload(string Path, string Digest, long SizeBytes, Uri Url);

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
