using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ControlPlane.Cli.Output;
using ControlPlane.Cli.Push;
using ControlPlane.Client;

namespace ControlPlane.Cli.Commands;

/// <summary>
/// `controlplane models push MODEL PATH`: hashes the files, registers the version with its manifest (Idempotency-Key
/// derived from the request, so the same push finds the same version), uploads what the plan asks for in parallel,
/// finalizes, and prints the version. A re-run resumes: finalize first adopts every file already complete, and only the
/// rest is uploaded again — of a multipart file, only the parts finalize names as missing (README, "The controlplane CLI").
/// </summary>
internal static class ModelsPushCommand
{
    private const int DefaultParallelism = 4;
    private const int MaxParallelism = 32;
    private const string ReplayedHeader = "Idempotent-Replayed";

    /// <summary>What the extension of the largest file says the format is, when --format is not given.</summary>
    private static readonly Dictionary<string, ArtifactFormat> FormatsByExtension = new(StringComparer.OrdinalIgnoreCase)
    {
        [".safetensors"] = ArtifactFormat.Safetensors,
        [".gguf"] = ArtifactFormat.Gguf,
        [".onnx"] = ArtifactFormat.Onnx,
        [".engine"] = ArtifactFormat.Tensorrt,
        [".plan"] = ArtifactFormat.Tensorrt,
        [".pt"] = ArtifactFormat.Pytorch,
        [".pth"] = ArtifactFormat.Pytorch,
        [".bin"] = ArtifactFormat.Pytorch,
    };

    public static Command Create(CliContext context)
    {
        var model = new Argument<string>("model") { Description = "The model (created when it does not exist yet)" };
        var path = new Argument<string>("path") { Description = "A file, or a directory whose files (hidden ones left out) make the version" };
        var format = new Option<string?>("--format") { Description = "safetensors, onnx, gguf, tensorrt or pytorch (default: by the largest file's extension)" };
        var quantization = new Option<string>("--quantization") { Description = "fp32, bf16, fp16, fp8, int8 or int4", Required = true };
        var fromGit = new Option<bool>("--provenance-from-git") { Description = "Record the git remote origin URL and HEAD commit of PATH's working tree" };
        var parallel = new Option<int>("--parallel")
        {
            Description = "Uploads at a time, parts of all files together",
            DefaultValueFactory = _ => DefaultParallelism,
        };
        var command = new Command("push", "Hash, register, upload (multipart above the threshold) and finalize a model version")
        {
            model, path, format, quantization, fromGit, parallel,
        };
        command.Handle(context, async (parse, session, ct) =>
        {
            var parallelism = parse.GetValue(parallel);
            if (parallelism is < 1 or > MaxParallelism)
            {
                throw new UsageException($"--parallel must be between 1 and {MaxParallelism}.");
            }

            var name = parse.GetValue(model)!;
            var root = parse.GetValue(path)!;
            var files = await LocalModel.HashAsync(root, parallelism, ct);
            var request = new RegisterVersionRequest
            {
                Files = files.Select(f => f.ToManifest()).ToList(),
                Format = parse.GetValue(format) is { } explicitFormat ? Choice<ArtifactFormat>(explicitFormat, "--format") : FormatOf(files),
                Quantization = Choice<Quantization>(parse.GetValue(quantization)!, "--quantization"),
                Provenance = parse.GetValue(fromGit) ? await GitProvenance.ReadAsync(root, context.Error, ct) : null,
            };
            var tenant = await session.TenantAsync(ct);
            var version = await PushAsync(session, tenant, name, request, files, parallelism, ct);
            if (version.State == ModelVersionState.Failed)
            {
                throw new OutcomeException(ExitCodes.Failed, $"model/{name} version {version.Version} failed verification: {version.FailureReason}");
            }

            session.Printer.One(version, ModelsCommands.VersionColumns);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static async Task<ModelVersionResponse> PushAsync(Session session, string tenant, string model, RegisterVersionRequest request,
        IReadOnlyList<LocalFile> files, int parallelism, CancellationToken ct)
    {
        var key = IdempotencyKey(tenant, model, request);
        while (true)
        {
            var registered = await RegisterAsync(session, tenant, model, key, request, ct);
            var version = registered.Result;
            if (!registered.Headers.Any(h => string.Equals(h.Key, ReplayedHeader, StringComparison.OrdinalIgnoreCase)))
            {
                return await UploadAndFinalizeAsync(session, tenant, model, version, files, parallelism, ct);
            }

            if (await ResumeAsync(session, tenant, model, version, ct) is { } resumed)
            {
                return resumed.State == ModelVersionState.PendingUpload ? await UploadAndFinalizeAsync(session, tenant, model, resumed, files, parallelism, ct) : resumed;
            }

            // The version this push made before failed verification or was deleted: the next key makes a new one (and a
            // re-run of this push finds that one through the same two steps).
            key = "push-" + Hash($"{key}\n{version.Version}");
        }
    }

    /// <summary>
    /// The same push ran before and the service answered with its stored (stale) response. Finalize adopts whatever is
    /// complete by now: ready, or a fresh plan in which only the incomplete files remain; null when that version failed
    /// or is gone.
    /// </summary>
    private static async Task<ModelVersionResponse?> ResumeAsync(Session session, string tenant, string model, ModelVersionResponse earlier, CancellationToken ct)
    {
        var number = earlier.Version.ToString(CultureInfo.InvariantCulture);
        var error = session.Context.Error;
        try
        {
            var finalized = (await session.Client.FinalizeModelVersionAsync(tenant, model, number, ct)).Result;
            if (finalized.State == ModelVersionState.Failed)
            {
                error.WriteLine($"model/{model} version {number}, pushed before, failed verification ({finalized.FailureReason}): registering a new version");
                return null;
            }

            error.WriteLine($"model/{model} version {number}: pushed before (digest {finalized.Digest}), nothing to upload");
            return finalized;
        }
        catch (ApiException refusal) when (refusal.StatusCode == 404)
        {
            error.WriteLine($"model/{model} version {number}, pushed before, was deleted: registering a new version");
            return null;
        }
        catch (ApiException refusal) when (refusal.StatusCode == 409 && IsProblem(refusal, "artifact-not-uploaded"))
        {
            error.WriteLine($"model/{model} version {number}: pushed before, resuming the upload");
            return OnlyPartsStillNeeded((await session.Client.GetModelVersionAsync(tenant, model, number, ct)).Result, refusal);
        }
    }

    /// <summary>
    /// The plan cut down to what finalize said is still needed: for each multipart file it names in `parts`, only those
    /// part numbers (the others are stored already). A file it does not name is uploaded whole, as the plan says.
    /// </summary>
    private static ModelVersionResponse OnlyPartsStillNeeded(ModelVersionResponse version, ApiException refusal)
    {
        if (ProblemReport.Extension(refusal, "parts") is not { ValueKind: JsonValueKind.Object } needed)
        {
            return version;
        }

        foreach (var upload in (version.Uploads ?? []).Where(u => u.Method == UploadMethod.Multipart && u.Parts is not null))
        {
            if (needed.TryGetProperty(upload.Path, out var numbers) && numbers.ValueKind == JsonValueKind.Array)
            {
                var wanted = numbers.EnumerateArray().Where(n => n.ValueKind == JsonValueKind.Number).Select(n => n.GetInt32()).ToHashSet();
                upload.Parts = upload.Parts!.Where(p => wanted.Contains(p.Number)).ToList();
            }
        }

        return version;
    }

    private static async Task<ModelVersionResponse> UploadAndFinalizeAsync(Session session, string tenant, string model, ModelVersionResponse version,
        IReadOnlyList<LocalFile> files, int parallelism, CancellationToken ct)
    {
        var byPath = files.ToDictionary(f => f.Path, StringComparer.Ordinal);
        var pending = (version.Uploads ?? []).Where(u => u.Method != UploadMethod.Stored).Select(u => (File: byPath[u.Path], Plan: u)).ToList();
        var planned = pending.Select(p => (p.File.Path, Bytes: PlannedBytes(p.File, p.Plan))).ToList();
        session.Context.Error.WriteLine($"model/{model} version {version.Version}: uploading {pending.Count} of {files.Count} files "
            + $"({planned.Sum(p => p.Bytes).ToString("N0", CultureInfo.InvariantCulture)} bytes), {files.Count - pending.Count} stored already");
        var uploader = new ModelUploader(session, tenant, model, version.Version, parallelism);
        await UploadProgress.RunAsync(UploadProgress.Shown(session.Context, session.Printer.Format), planned,
            progress => uploader.UploadAsync(pending, progress, ct));
        return (await session.Client.FinalizeModelVersionAsync(tenant, model, version.Version.ToString(CultureInfo.InvariantCulture), ct)).Result;
    }

    /// <summary>The bytes a plan sends of a file: all of it, or the parts it lists.</summary>
    private static long PlannedBytes(LocalFile file, FileUpload plan) =>
        plan is { Method: UploadMethod.Multipart, Parts: { } parts, PartSizeBytes: { } partSize }
            ? parts.Sum(p => Math.Min(partSize, file.SizeBytes - ((p.Number - 1) * partSize)))
            : file.SizeBytes;

    /// <summary>Registers the version, creating the model first when it does not exist.</summary>
    private static async Task<SwaggerResponse<ModelVersionResponse>> RegisterAsync(Session session, string tenant, string model, string key,
        RegisterVersionRequest request, CancellationToken ct)
    {
        try
        {
            return await session.Client.RegisterModelVersionAsync(tenant, model, key, request, ct);
        }
        catch (ApiException missing) when (missing.StatusCode == 404)
        {
            try
            {
                await session.Client.CreateModelAsync(tenant, null, new CreateModelRequest { Name = model }, ct);
                session.Context.Error.WriteLine($"model/{model} created");
            }
            catch (ApiException exists) when (exists.StatusCode == 409 && IsProblem(exists, "already-exists"))
            {
                // created meanwhile (by a concurrent push, or by this request whose answer was lost): register into it
            }

            return await session.Client.RegisterModelVersionAsync(tenant, model, key, request, ct);
        }
    }

    /// <summary>
    /// The same files (the manifest: paths, digests, sizes, media types), format, quantization and provenance pushed to
    /// the same model make the same key, so the service answers a repeated push with the version it made the first time.
    /// </summary>
    private static string IdempotencyKey(string tenant, string model, RegisterVersionRequest request) =>
        "push-" + Hash($"{tenant}\n{model}\n{JsonSerializer.Serialize(request, WireJson.Options)}");

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..40];

    private static bool IsProblem(ApiException refusal, string type) =>
        ProblemReport.TypeOf(refusal)?.EndsWith("/" + type, StringComparison.Ordinal) == true;

    private static ArtifactFormat FormatOf(IReadOnlyList<LocalFile> files) =>
        FormatsByExtension.TryGetValue(Path.GetExtension(files.MaxBy(f => f.SizeBytes)!.Path), out var format)
            ? format
            : throw new UsageException("Which format? The largest file's extension does not say: pass --format (safetensors, onnx, gguf, tensorrt or pytorch).");

    private static TEnum Choice<TEnum>(string value, string option)
        where TEnum : struct, Enum =>
        Enum.GetValues<TEnum>().Where(v => WireJson.WireName(v) == value).Select(v => (TEnum?)v).FirstOrDefault()
        ?? throw new UsageException($"{option} must be one of: {string.Join(", ", Enum.GetValues<TEnum>().Select(v => WireJson.WireName(v)))}.");
}
