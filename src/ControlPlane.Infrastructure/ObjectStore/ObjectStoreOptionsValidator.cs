using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace ControlPlane.Infrastructure.ObjectStore;

/// <summary>Rejects object-store settings that would only fail later, at the first upload.</summary>
internal sealed partial class ObjectStoreOptionsValidator : IValidateOptions<ObjectStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, ObjectStoreOptions options)
    {
        var failures = new List<string>();
        foreach (var (key, value) in new[] { ("ServiceUrl", options.ServiceUrl), ("PublicServiceUrl", options.PublicServiceUrl) })
        {
            if (!string.IsNullOrEmpty(value)
                && !(Uri.TryCreate(value, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps)))
            {
                failures.Add($"ObjectStore:{key} must be an absolute http or https URL, got '{value}'.");
            }
        }

        if (!IsDnsCompatibleBucket(options.Bucket))
        {
            failures.Add($"ObjectStore:Bucket '{options.Bucket}' is not a DNS-compatible bucket name (3-63 lower-case letters, digits, '-' and '.').");
        }

        if (string.IsNullOrEmpty(options.AccessKey) != string.IsNullOrEmpty(options.SecretKey))
        {
            failures.Add("ObjectStore:AccessKey and ObjectStore:SecretKey are set together or not at all.");
        }

        if (string.IsNullOrWhiteSpace(options.Region))
        {
            failures.Add("ObjectStore:Region is empty.");
        }

        // Storage is metered per minute in byte-hours (size ÷ 60): a petabyte keeps that below the largest usage quantity.
        if (options.MaxArtifactBytes is <= 0 or > MaxMeterableArtifactBytes)
        {
            failures.Add($"ObjectStore:MaxArtifactBytes must be from 1 to {MaxMeterableArtifactBytes} (1 PB).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private const long MaxMeterableArtifactBytes = 1_000_000_000_000_000;

    // S3 bucket naming rules: no "..", not shaped like an IP address, no uppercase or underscores.
    internal static bool IsDnsCompatibleBucket(string? bucket) =>
        bucket is not null && BucketName().IsMatch(bucket) && !bucket.Contains("..", StringComparison.Ordinal) && !IpLike().IsMatch(bucket);

    [GeneratedRegex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")]
    private static partial Regex BucketName();

    [GeneratedRegex(@"^\d+\.\d+\.\d+\.\d+$")]
    private static partial Regex IpLike();
}
