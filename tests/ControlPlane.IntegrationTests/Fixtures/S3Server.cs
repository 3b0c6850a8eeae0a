using System.Diagnostics;
using System.Net.Sockets;
using ControlPlane.Infrastructure.ObjectStore;

namespace ControlPlane.IntegrationTests.Fixtures;

/// <summary>An S3-compatible endpoint and the credentials it accepts.</summary>
public sealed record S3Endpoint(string ServiceUrl, string AccessKey, string SecretKey)
{
    private static int s_bucketCounter;

    /// <summary>Creates a fresh, empty bucket (one per test class keeps classes isolated) and returns store options for it.</summary>
    public async Task<ObjectStoreOptions> CreateBucketAsync(string purpose)
    {
        var name = $"t{Environment.ProcessId}-{Interlocked.Increment(ref s_bucketCounter)}-{purpose.ToLowerInvariant()}";
        var options = new ObjectStoreOptions
        {
            ServiceUrl = ServiceUrl,
            AccessKey = AccessKey,
            SecretKey = SecretKey,
            Bucket = name.Length > 63 ? name[..63].TrimEnd('-') : name,
        };
        using var store = new S3ArtifactStore(options);
        await store.EnsureBucketAsync(CancellationToken.None);
        return options;
    }
}

/// <summary>
/// One S3 server per test run: CONTROLPLANE_TEST_S3 (a URL, credentials S3RVER/S3RVER) when set, else s3rver started
/// by scripts/start-s3.sh (which installs s3rver@3.7.1 into .data/tools once) on a free loopback port with a temp
/// directory, stopped (its whole process group) when the test process exits — and by the script's owner watcher when the
/// test process is killed before its exit handlers run. When none can be had, tests fail with the reason: they never skip.
/// </summary>
public static class S3Server
{
    private const string Credential = "S3RVER";
    private const string DirPrefix = "controlplane-test-s3-";
    private static readonly Lazy<Task<S3Endpoint>> s_endpoint = new(() => Task.Run(Start));

    public static Task<S3Endpoint> StartAsync() => s_endpoint.Value;

    private static S3Endpoint Start()
    {
        if (Environment.GetEnvironmentVariable("CONTROLPLANE_TEST_S3") is { Length: > 0 } configured)
        {
            return new S3Endpoint(configured.TrimEnd('/'), Credential, Credential);
        }

        RemoveLeftovers();
        var dataDir = Path.Combine(Path.GetTempPath(), $"{DirPrefix}{Environment.ProcessId}");
        var script = Path.Combine(RepositoryFiles.Root, "scripts", "start-s3.sh");
        var start = new ProcessStartInfo("bash", [script, dataDir, FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            // The server stops by itself when this process is gone, even when it is killed before its exit handlers run.
            Environment = { ["S3RVER_OWNER_PID"] = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not run bash for scripts/start-s3.sh.");
        var error = process.StandardError.ReadToEndAsync();
        var url = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        if (process.ExitCode != 0 || !url.StartsWith("http", StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"No S3 server for the integration tests (scripts/start-s3.sh exited {process.ExitCode}): {error.Result.Trim()} " +
                "Install Node.js and npm (apt-get install -y nodejs npm) or set CONTROLPLANE_TEST_S3 to an S3 endpoint URL.");
        }

        AppDomain.CurrentDomain.ProcessExit += (_, _) => Stop(dataDir);
        return new S3Endpoint(url, Credential, Credential);
    }

    private static void Stop(string dataDir)
    {
        var pidFile = dataDir + ".s3rver.pid";
        if (File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), out var processGroup))
        {
            // The script started s3rver in a process group of its own (with its owner watcher): end the whole group.
            using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", "--", "-" + processGroup.ToString(System.Globalization.CultureInfo.InvariantCulture)])
            {
                RedirectStandardError = true,
            });
            kill?.WaitForExit();
        }

        try
        {
            File.Delete(pidFile);
            File.Delete(dataDir + ".s3rver.log");
            Directory.Delete(dataDir, recursive: true);
        }
        catch (IOException)
        {
            // Exiting anyway; RemoveLeftovers clears it on the next run.
        }
    }

    // The test host may be torn down before the exit handler finishes: remove what runs whose process is gone left.
    private static void RemoveLeftovers()
    {
        foreach (var path in Directory.EnumerateFileSystemEntries(Path.GetTempPath(), DirPrefix + "*"))
        {
            var pidText = Path.GetFileName(path)[DirPrefix.Length..].Split('.')[0];
            if (int.TryParse(pidText, out var pid) && !IsRunning(pid))
            {
                if (Directory.Exists(path))
                {
                    Directory.Delete(path, recursive: true);
                }
                else
                {
                    File.Delete(path);
                }
            }
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
