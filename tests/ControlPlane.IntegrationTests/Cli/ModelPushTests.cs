using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Web;
using ControlPlane.Cli;
using ControlPlane.IntegrationTests.Models;

namespace ControlPlane.IntegrationTests.Cli;

/// <summary>
/// `controlplane models push` against the running service and the strict s3rver: a directory with a file above the
/// multipart threshold (6 MiB in <see cref="MultipartApp"/>), uploaded through presigned URLs, finalized, pullable; the
/// same push again finds the same version; an interrupted push resumes; a quota refusal is exit code 2.
/// </summary>
public sealed class ModelPushTests(MultipartApp app) : IClassFixture<MultipartApp>, IDisposable
{
    private static readonly ModelFile Config = new("config.json", Encoding.UTF8.GetBytes("{\"architectures\":[\"LlamaForCausalLM\"]}"), "application/json");
    private static readonly ModelFile Tokenizer = ModelFile.Random("tokenizer.json", 70_000, 1) with { MediaType = "application/json" };
    private static readonly ModelFile Readme = ModelFile.Random("README.md", 3_000, 3);

    // Three parts: 5 MiB, 5 MiB, 2 MiB + 7 bytes.
    private static readonly ModelFile Weights = ModelFile.Random("weights/model-00001-of-00001.safetensors", 2 * MultipartApp.PartSize + 2 * 1024 * 1024 + 7, 2);

    private static readonly ModelFile[] Files = [Config, Tokenizer, Readme, Weights];

    private readonly string _directory = Directory.CreateTempSubdirectory("controlplane-push-").FullName;
    private readonly List<IDisposable> _owned = [];

    private async Task<(CliRunner Cli, HttpClient Client)> TenantAsync(string tenant, long storage = 100_000_000)
    {
        var ci = await app.CreateTenantWithAccountAsync(tenant, "developer");
        await app.SetQuotaAsync(tenant, "storage.bytes", storage);
        foreach (var file in Files)
        {
            var path = Path.Combine(_directory, file.Path);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllBytesAsync(path, file.Content);
        }

        var cli = new CliRunner(app, ci.ClientId, ci.ClientSecret);
        var client = app.ClientWithToken(ci.Token);
        _owned.AddRange([cli, client]);
        return (cli, client);
    }

    private static bool IsPart(HttpRequestMessage request, int number) =>
        HttpUtility.ParseQueryString(request.RequestUri!.Query)["partNumber"] == number.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static int Uploaded(CliRunner cli) => cli.Uploads.Count(_ => true);

    private static bool IsUploadParts(string path) => path.EndsWith(":upload-parts", StringComparison.Ordinal);

    [Fact]
    public async Task Push_of_a_directory_uploads_the_large_file_by_parts_finalizes_and_a_second_push_finds_the_same_version()
    {
        var (cli, client) = await TenantAsync("push");
        Git("init", "-q");
        Git("remote", "add", "origin", "https://ci-bot:s3cret-token@git.example/acme/llm.git");
        Git("-c", "user.email=ci@example", "-c", "user.name=ci", "commit", "-q", "--allow-empty", "-m", "train");
        var head = Git("rev-parse", "HEAD");
        // The first attempt at part 2 fails: the CLI asks :upload-parts for a fresh URL and sends it again.
        var refused = 0;
        cli.Uploads.Refuse = request => IsPart(request, 2) && Interlocked.Exchange(ref refused, 1) == 0;

        var pushed = await cli.RunAsync("models", "push", "llm", _directory, "--quantization", "bf16", "--provenance-from-git", "-o", "json");

        Assert.True(pushed.ExitCode == ExitCodes.Ok, pushed.ToString());
        var version = JsonDocument.Parse(pushed.Stdout).RootElement;
        Assert.Equal(1, version.GetProperty("version").GetInt32());
        Assert.Equal("ready", version.GetProperty("state").GetString());
        Assert.Equal("safetensors", version.GetProperty("format").GetString());
        Assert.Equal(ModelManifests.CanonicalDigest(Files), version.GetProperty("digest").GetString());
        Assert.Equal(head, version.GetProperty("provenance").GetProperty("codeCommit").GetString());
        Assert.Equal("https://git.example/acme/llm.git", version.GetProperty("provenance").GetProperty("codeRepository").GetString());
        Assert.Contains("model/llm created", pushed.Stderr, StringComparison.Ordinal);
        Assert.Equal(3 + 3 + 1, Uploaded(cli)); // three PUTs, three parts, part 2 again (.git/ is hidden: not pushed)
        Assert.Equal(1, cli.Requests.Count(IsUploadParts));

        var credentials = await (await client.PostAsync("/v1/tenants/push/models/llm/versions/1:pull-credentials", null)).ExpectAsync(HttpStatusCode.OK);
        using var http = new HttpClient();
        Assert.Equal(Files.Select(f => f.Path).Order(StringComparer.Ordinal), credentials.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("path").GetString()));
        foreach (var file in Files)
        {
            var download = credentials.GetProperty("files").EnumerateArray().Single(f => f.GetProperty("path").GetString() == file.Path);
            Assert.Equal(file.Content, await http.GetByteArrayAsync(download.GetProperty("url").GetString()));
        }

        var again = await cli.RunAsync("models", "push", "llm", _directory, "--quantization", "bf16", "--provenance-from-git");

        Assert.True(again.ExitCode == ExitCodes.Ok, again.ToString());
        Assert.Contains("nothing to upload", again.Stderr, StringComparison.Ordinal);
        Assert.Contains(version.GetProperty("digest").GetString()!, again.Stdout, StringComparison.Ordinal);
        Assert.Equal(7, Uploaded(cli));
        var versions = await (await client.GetAsync("/v1/tenants/push/models/llm/versions")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(1, versions.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task An_interrupted_push_resumes_uploading_only_the_part_finalize_found_missing()
    {
        var (cli, client) = await TenantAsync("resume-push");
        // One upload at a time in the plan's order (by path): everything but the last part of the weights gets through.
        cli.Uploads.Refuse = request => IsPart(request, 3);

        var interrupted = await cli.RunAsync("models", "push", "llm", _directory, "--quantization", "bf16", "--parallel", "1");

        Assert.True(interrupted.ExitCode == ExitCodes.Transient, interrupted.ToString());
        Assert.Contains($"the upload of {Weights.Path} part 3 failed 4 times", interrupted.Stderr, StringComparison.Ordinal);
        Assert.Equal(3, cli.Requests.Count(IsUploadParts));
        var pending = await (await client.GetAsync("/v1/tenants/resume-push/models/llm/versions/1")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("pending-upload", pending.GetProperty("state").GetString());

        cli.Uploads.Refuse = null;
        var before = Uploaded(cli);
        var resumed = await cli.RunAsync("models", "push", "llm", _directory, "--quantization", "bf16", "--parallel", "1", "-o", "json");

        Assert.True(resumed.ExitCode == ExitCodes.Ok, resumed.ToString());
        Assert.Contains("resuming the upload", resumed.Stderr, StringComparison.Ordinal);
        var lastPart = Weights.Content.Length - (2 * MultipartApp.PartSize);
        Assert.Contains($"uploading 1 of 4 files ({lastPart.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)} bytes)", resumed.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, Uploaded(cli) - before); // the weights' part 3; the other files were adopted by finalize, parts 1–2 are stored
        var version = JsonDocument.Parse(resumed.Stdout).RootElement;
        Assert.Equal(1, version.GetProperty("version").GetInt32());
        Assert.Equal("ready", version.GetProperty("state").GetString());
        Assert.Equal(Files.Sum(f => (long)f.Content.Length), await client.StorageUsedAsync("resume-push"));
    }

    [Fact]
    public async Task A_push_refused_by_the_storage_quota_exits_2_with_the_problem_and_succeeds_once_the_quota_allows_it()
    {
        var (cli, client) = await TenantAsync("full", storage: 1_000_000);

        var refused = await cli.RunAsync("models", "push", "llm", _directory, "--quantization", "bf16");

        Assert.True(refused.ExitCode == ExitCodes.Refused, refused.ToString());
        Assert.Empty(refused.Stdout);
        Assert.Contains("(409)", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains("Quota storage.bytes has 1000000 of 1000000 bytes left", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains("type: https://controlplane.dev/problems/quota-exceeded", refused.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, Uploaded(cli));
        var none = await (await client.GetAsync("/v1/tenants/full/models/llm/versions")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(0, none.GetProperty("items").GetArrayLength());

        // The refusal was not stored under the push's Idempotency-Key: the same push goes through once the quota allows it.
        await app.SetQuotaAsync("full", "storage.bytes", 100_000_000);
        var accepted = await cli.RunAsync("models", "push", "llm", _directory, "--quantization", "bf16");
        Assert.True(accepted.ExitCode == ExitCodes.Ok, accepted.ToString());
    }

    [Fact]
    public async Task A_push_whose_format_or_quantization_cannot_be_told_is_a_usage_error_and_sends_nothing()
    {
        var (cli, _) = await TenantAsync("usage-push");
        var notes = Directory.CreateDirectory(Path.Combine(_directory, "notes")).FullName;
        await File.WriteAllTextAsync(Path.Combine(notes, "notes.txt"), "not a model");

        var unknownFormat = await cli.RunAsync("models", "push", "llm", notes, "--quantization", "bf16");
        var badQuantization = await cli.RunAsync("models", "push", "llm", _directory, "--quantization", "bf17");
        var empty = await cli.RunAsync("models", "push", "llm", Directory.CreateDirectory(Path.Combine(_directory, ".empty")).FullName, "--quantization", "bf16");

        Assert.True(unknownFormat.ExitCode == ExitCodes.Usage, unknownFormat.ToString());
        Assert.Contains("pass --format", unknownFormat.Stderr, StringComparison.Ordinal);
        Assert.True(badQuantization.ExitCode == ExitCodes.Usage, badQuantization.ToString());
        Assert.Contains("--quantization must be one of: fp32, bf16, fp16, fp8, int8, int4", badQuantization.Stderr, StringComparison.Ordinal);
        Assert.True(empty.ExitCode == ExitCodes.Usage, empty.ToString());
        Assert.Contains("the directory has no files to push", empty.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, cli.Requests.Count(_ => true));
    }

    /// <summary>Runs git in the model directory (the test's own repository) and returns what it printed.</summary>
    private string Git(params string[] arguments)
    {
        var start = new ProcessStartInfo("git") { RedirectStandardOutput = true, UseShellExecute = false, WorkingDirectory = _directory };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var git = Process.Start(start)!;
        var output = git.StandardOutput.ReadToEnd();
        git.WaitForExit();
        Assert.True(git.ExitCode == 0, $"git {string.Join(' ', arguments)} exited {git.ExitCode}");
        return output.Trim();
    }

    public void Dispose()
    {
        _owned.ForEach(o => o.Dispose());
        Directory.Delete(_directory, recursive: true);
    }
}
