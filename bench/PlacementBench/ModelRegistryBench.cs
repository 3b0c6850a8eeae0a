using System.Diagnostics;
using System.Net.Http.Headers;
using System.Security.Cryptography;

namespace PlacementBench;

/// <summary>
/// Model registry (issue 4): finalize of a 1 GiB artifact (the service streams it from the object store through SHA-256)
/// next to sha256sum of the same file, and pull-credential issuance with 64 concurrent clients.
/// </summary>
internal static class ModelRegistryBench
{
    private const long ArtifactBytes = 1L << 30;
    private const string Tenant = "t-001";

    public static async Task RunAsync(ApiSession api, int seconds)
    {
        await api.OperatorAsync(HttpMethod.Put, $"/v1/tenants/{Tenant}/quotas/storage.bytes", new { limit = 4L << 30 });
        await api.OperatorAsync(HttpMethod.Post, $"/v1/tenants/{Tenant}/models", new { name = "bench-llm" });
        var path = Path.Combine(Path.GetTempPath(), $"controlplane-bench-artifact-{Environment.ProcessId}.bin");
        try
        {
            var digest = await WriteArtifactAsync(path);
            var sha256sum = TimeSha256Sum(path);
            var registered = await api.TenantAsync(HttpMethod.Post, Tenant, $"/v1/tenants/{Tenant}/models/bench-llm/versions", new
            {
                digest, sizeBytes = ArtifactBytes, format = "safetensors", quantization = "bf16",
            });
            await using (var file = File.OpenRead(path))
            using (var upload = new HttpClient { Timeout = TimeSpan.FromMinutes(10) })
            {
                var content = new StreamContent(file);
                content.Headers.ContentLength = ArtifactBytes;
                (await upload.PutAsync(registered.GetProperty("upload").GetProperty("url").GetString(), content)).EnsureSuccessStatusCode();
            }

            var started = Stopwatch.GetTimestamp();
            var finalized = await api.TenantAsync(HttpMethod.Post, Tenant, $"/v1/tenants/{Tenant}/models/bench-llm/versions/1:finalize", null);
            var finalize = Stopwatch.GetElapsedTime(started);
            var state = finalized.GetProperty("state").GetString();
            var finalizeRate = ArtifactBytes / 1048576.0 / finalize.TotalSeconds;
            var sumRate = ArtifactBytes / 1048576.0 / sha256sum.TotalSeconds;
            Console.WriteLine("| Model registry | measured | target |");
            Console.WriteLine("|---|---:|---|");
            Console.WriteLine($"| finalize of a 1 GiB artifact (HEAD + streamed GET from s3rver + SHA-256; state {state}) | {finalize.TotalSeconds:0.00} s = {finalizeRate:N0} MiB/s | ≥ 70% of sha256sum: {(finalizeRate >= 0.7 * sumRate ? "met" : "missed")} ({finalizeRate / sumRate:P0}) |");
            Console.WriteLine($"| `sha256sum` of the same file | {sha256sum.TotalSeconds:0.00} s = {sumRate:N0} MiB/s | |");
            var (rate, p50, p99, errors) = await PullCredentialsAsync(api, seconds);
            Console.WriteLine($"| pull credentials, 64 clients (.NET HttpClient generator) | {rate:N0}/s, p50 {p50:0.0} ms, p99 {p99:0.0} ms, {errors} errors | ≥ 2,000/s: {(rate >= 2000 ? "met" : "missed")} |");
            // The .NET generator itself takes a good part of the two cores; wrk (as for the GET and token figures) much less.
            if (WrkPull(api, seconds) is { } wrk)
            {
                Console.WriteLine($"| pull credentials, wrk -t2 -c64 | {wrk.Rate:N0}/s, p50 {wrk.P50}, p99 {wrk.P99}, {wrk.Errors} non-2xx | ≥ 2,000/s: {(wrk.Rate >= 2000 ? "met" : "missed")} |");
            }

            Console.WriteLine();
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static async Task<(double Rate, double P50, double P99, int Errors)> PullCredentialsAsync(ApiSession api, int seconds)
    {
        var deadline = Stopwatch.GetTimestamp() + seconds * Stopwatch.Frequency;
        var latencies = new List<double>[64];
        var errors = 0;
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, 64).Select(async client =>
        {
            latencies[client] = [];
            while (Stopwatch.GetTimestamp() < deadline)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/tenants/{Tenant}/models/bench-llm/versions/1:pull-credentials");
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", api.TenantTokens[Tenant]);
                var sent = Stopwatch.GetTimestamp();
                using var response = await api.Http.SendAsync(request);
                latencies[client].Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                if (!response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        }));
        var all = latencies.SelectMany(l => l).Order().ToList();
        return (all.Count / Stopwatch.GetElapsedTime(started).TotalSeconds, Percentiles.Of(all, 50), Percentiles.Of(all, 99), errors);
    }

    /// <summary>The same pulls driven by wrk, when it is installed (bench/run.sh installs it); null otherwise.</summary>
    private static (double Rate, string P50, string P99, int Errors)? WrkPull(ApiSession api, int seconds)
    {
        var script = Path.Combine(Path.GetTempPath(), $"controlplane-bench-pull-{Environment.ProcessId}.lua");
        File.WriteAllText(script, "wrk.method = \"POST\"\n");
        try
        {
            var url = new Uri(api.Http.BaseAddress!, $"/v1/tenants/{Tenant}/models/bench-llm/versions/1:pull-credentials");
            using var process = Process.Start(new ProcessStartInfo("wrk",
                ["-t2", "-c64", $"-d{seconds}s", "--latency", "-s", script, "-H", $"Authorization: Bearer {api.TenantTokens[Tenant]}", url.ToString()])
            {
                RedirectStandardOutput = true,
            });
            if (process is null)
            {
                return null;
            }

            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            string Field(string pattern) => System.Text.RegularExpressions.Regex.Match(output, pattern, System.Text.RegularExpressions.RegexOptions.Multiline).Groups[1].Value;
            var errors = Field(@"Non-2xx or 3xx responses:\s+(\d+)");
            return (double.Parse(Field(@"^Requests/sec:\s+([\d.]+)"), System.Globalization.CultureInfo.InvariantCulture),
                Field(@"^\s+50%\s+(\S+)"), Field(@"^\s+99%\s+(\S+)"), errors.Length == 0 ? 0 : int.Parse(errors, System.Globalization.CultureInfo.InvariantCulture));
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // wrk is not installed
        }
        finally
        {
            File.Delete(script);
        }
    }

    /// <summary>1 GiB of pseudo-random bytes (incompressible, like weights), hashed while written.</summary>
    private static async Task<string> WriteArtifactAsync(string path)
    {
        var buffer = new byte[4 << 20];
        var random = new Random(7);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using var file = File.Create(path);
        for (long written = 0; written < ArtifactBytes; written += buffer.Length)
        {
            random.NextBytes(buffer);
            hash.AppendData(buffer);
            await file.WriteAsync(buffer);
        }

        return "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static TimeSpan TimeSha256Sum(string path)
    {
        var started = Stopwatch.GetTimestamp();
        using var process = Process.Start(new ProcessStartInfo("sha256sum", path) { RedirectStandardOutput = true })!;
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return Stopwatch.GetElapsedTime(started);
    }
}
