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

/// <summary>What a version's digest is the SHA-256 of.</summary>
public enum VersionDigestSource
{
    /// <summary>The canonical manifest (versions registered with files).</summary>
    Manifest,

    /// <summary>The one file's bytes: versions registered by the single-object form, including every version that predates manifests.</summary>
    SoleFile,
}

/// <summary>An immutable, content-addressed version: manifest, digest and provenance never change.</summary>
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
    public VersionDigestSource DigestSource { get; private set; }

    /// <summary>Total bytes of the manifest's files.</summary>
    public long SizeBytes { get; private set; }
    public ArtifactFormat Format { get; private set; }
    public Quantization Quantization { get; private set; }
    public Provenance Provenance { get; private set; } = new(null, null, null, null, null, null, null);
    public ModelVersionState State { get; private set; }
    public string? FailureReason { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? FinalizedAt { get; private set; }

    public static bool IsValidDigest(string? digest) => digest is not null && DigestPattern().IsMatch(digest);

    /// <summary>The version's digest for its files: the sole file's own digest, or the canonical manifest's.</summary>
    public static string DigestFor(IReadOnlyCollection<ManifestFile> files, VersionDigestSource source) =>
        source == VersionDigestSource.SoleFile ? files.Single().Digest : ModelManifest.DigestOf(files);

    public static ModelVersion Register(Guid modelId, Guid tenantId, int number, IReadOnlyCollection<ManifestFile> files, VersionDigestSource source,
        ArtifactFormat format, Quantization quantization, Provenance provenance, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        ModelId = modelId,
        TenantId = tenantId,
        Number = number,
        Digest = DigestFor(files, source),
        DigestSource = source,
        SizeBytes = files.Sum(f => f.SizeBytes),
        Format = format,
        Quantization = quantization,
        Provenance = provenance,
        State = ModelVersionState.PendingUpload,
        CreatedAt = now,
    };

    /// <summary>
    /// Ends a pending version once every file was looked at: ready when the stored bytes match the manifest, failed with
    /// the mismatches otherwise. The manifest is checked too: its files must still give the version's digest.
    /// </summary>
    public void Complete(IReadOnlyCollection<ManifestFile> files, IReadOnlyList<string> mismatches, DateTimeOffset now)
    {
        if (State != ModelVersionState.PendingUpload)
        {
            throw new Common.DomainRuleViolation("version-not-pending", $"Version {Number} is {State}; only a pending upload can be finalized.");
        }

        var manifestDigest = DigestFor(files, DigestSource);
        var problems = manifestDigest == Digest ? mismatches : [.. mismatches, $"manifest digest mismatch: registered {Digest}, files give {manifestDigest}"];
        // Microseconds, as PostgreSQL stores them: a repeated finalize answers with exactly the time this one did.
        FinalizedAt = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % 10), TimeSpan.Zero);
        (State, FailureReason) = problems.Count == 0
            ? (ModelVersionState.Ready, null)
            : (ModelVersionState.Failed, Common.StatusMessage.Fit(string.Join("; ", problems)));
    }

    [GeneratedRegex("^sha256:[0-9a-f]{64}$", RegexOptions.CultureInvariant)]
    private static partial Regex DigestPattern();
}
