using System.Text.RegularExpressions;

namespace ControlPlane.Domain.Models;

/// <summary>Where a version came from. Immutable, like the version.</summary>
/// <param name="TrainingDataHash">Digest of the training data set.</param>
/// <param name="CodeRepository">Repository of the training code.</param>
/// <param name="CodeCommit">Commit of the training code.</param>
/// <param name="Hyperparameters">Hyperparameters, as a JSON object.</param>
/// <param name="BaseModelDigest">Digest of the model this one was fine-tuned from.</param>
/// <param name="ProducingPlacement">The training placement that produced it.</param>
/// <param name="Labels">Free-form labels.</param>
public sealed record Provenance(string? TrainingDataHash, string? CodeRepository, string? CodeCommit, string? Hyperparameters,
    string? BaseModelDigest, string? ProducingPlacement, IReadOnlyDictionary<string, string>? Labels);

/// <summary>An immutable, content-addressed version of a model: digest, artifact and provenance never change.</summary>
public sealed partial class ModelVersion
{
    private ModelVersion()
    {
    }

    public Guid Id { get; private set; }
    public Guid ModelId { get; private set; }
    public Guid TenantId { get; private set; }
    public int Number { get; private set; }
    public string Digest { get; private set; } = "";
    public long SizeBytes { get; private set; }
    public ArtifactFormat Format { get; private set; }
    public Quantization Quantization { get; private set; }
    public Provenance Provenance { get; private set; } = new(null, null, null, null, null, null, null);
    public ModelVersionState State { get; private set; }
    public string? FailureReason { get; private set; }
    public string ArtifactKey { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? FinalizedAt { get; private set; }

    /// <summary>The hex part of a sha256:&lt;64 hex&gt; digest.</summary>
    public string DigestHex => Digest["sha256:".Length..];

    public static bool IsValidDigest(string? digest) => digest is not null && DigestPattern().IsMatch(digest);

    /// <summary>The object key: one bucket, tenant prefixes, content-addressed.</summary>
    public static string KeyFor(string tenant, string model, string digest) => $"tenants/{tenant}/models/{model}/sha256/{digest["sha256:".Length..]}";

    public static ModelVersion Register(Guid modelId, Guid tenantId, string tenant, string model, int number, string digest, long sizeBytes,
        ArtifactFormat format, Quantization quantization, Provenance provenance, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        ModelId = modelId,
        TenantId = tenantId,
        Number = number,
        Digest = digest,
        SizeBytes = sizeBytes,
        Format = format,
        Quantization = quantization,
        Provenance = provenance,
        State = ModelVersionState.PendingUpload,
        ArtifactKey = KeyFor(tenant, model, digest),
        CreatedAt = now,
    };

    /// <summary>Compares the stored bytes with the registration; only a pending version can be finalized.</summary>
    public void Finalize(bool exists, long storedSize, string? storedSha256Hex, DateTimeOffset now)
    {
        if (State != ModelVersionState.PendingUpload)
        {
            throw new Common.DomainRuleViolation("version-not-pending", $"Version {Number} is {State}; only a pending upload can be finalized.");
        }

        if (!exists)
        {
            throw new Common.DomainRuleViolation("artifact-not-uploaded", $"Nothing was uploaded for version {Number} yet: PUT the artifact to its upload URL first.");
        }

        FinalizedAt = now;
        (State, FailureReason) = storedSize != SizeBytes
            ? (ModelVersionState.Failed, $"size mismatch: registered {SizeBytes} bytes, stored {storedSize} bytes")
            : !string.Equals(storedSha256Hex, DigestHex, StringComparison.Ordinal)
                ? (ModelVersionState.Failed, $"digest mismatch: registered sha256:{DigestHex}, stored sha256:{storedSha256Hex}")
                : (ModelVersionState.Ready, null);
    }

    [GeneratedRegex("^sha256:[0-9a-f]{64}$", RegexOptions.CultureInvariant)]
    private static partial Regex DigestPattern();
}
