using Amazon;
using Amazon.Runtime;
using Amazon.S3;

namespace ControlPlane.Infrastructure.ObjectStore;

/// <summary>Builds the SDK client with the settings every non-AWS S3 server needs.</summary>
internal static class S3ClientFactory
{
    /// <summary>Time to the response headers of an ordinary call; streaming a large body is bounded by the caller's token.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <param name="serviceUrl">The endpoint to address; <see cref="ObjectStoreOptions.ServiceUrl"/> unless given.</param>
    /// <param name="timeout">Time to the response headers; <see cref="DefaultTimeout"/> unless given.</param>
    public static AmazonS3Client Create(ObjectStoreOptions options, string? serviceUrl = null, TimeSpan? timeout = null)
    {
        serviceUrl ??= options.ServiceUrl;
        var config = new AmazonS3Config
        {
            ForcePathStyle = options.ForcePathStyle,
            AuthenticationRegion = options.Region,
            // SDK 4 adds CRC checksums to every request and validates them on responses by default; servers other
            // than AWS (s3rver, older MinIO/Ceph) ignore or mangle them, so only send them where an operation requires one.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            // Presigned URLs must say exactly the lifetime asked for: with skew correction the SDK measures X-Amz-Expires
            // from a clock shifted by the server's Date header (1-second resolution), off by one second half the time.
            // Hosts keep time with NTP; S3 tolerates 15 minutes of skew.
            DisableClockSkewCorrection = true,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            Timeout = timeout ?? DefaultTimeout,
            MaxErrorRetry = 2,
        };
        if (!string.IsNullOrEmpty(serviceUrl))
        {
            config.ServiceURL = serviceUrl;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
        }

        return string.IsNullOrEmpty(options.AccessKey)
            ? new AmazonS3Client(config)
            : new AmazonS3Client(new BasicAWSCredentials(options.AccessKey, options.SecretKey), config);
    }
}
