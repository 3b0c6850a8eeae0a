using ControlPlane.Client;

namespace ControlPlane.Cli.Push;

/// <summary>
/// Uploads the files of a pending version by its plan, straight to the object store's presigned URLs: one PUT per
/// `put` file, one PUT per part of a `multipart` file (part n is bytes [(n-1)·partSizeBytes, …)), at most
/// <c>parallelism</c> at a time across all files. A failed or expired PUT is tried again with a fresh URL — for a part
/// from `:upload-parts`, for a whole file from the version's plan — up to <see cref="MaxAttempts"/> times.
/// </summary>
internal sealed class ModelUploader(Session session, string tenant, string model, int version, int parallelism)
{
    public const int MaxAttempts = 4;

    /// <summary>A URL this close to its expiry is renewed before it is used: a part of gigabytes takes a while to send.</summary>
    private static readonly TimeSpan ExpiryMargin = TimeSpan.FromMinutes(1);

    private sealed record Piece(LocalFile File, int? Part, long Offset, long Length, Uri Url, DateTimeOffset? ExpiresAt)
    {
        public string Name => Part is { } number ? $"{File.Path} part {number}" : File.Path;
    }

    public async Task UploadAsync(IReadOnlyList<(LocalFile File, FileUpload Plan)> files, Action<string, long> progress, CancellationToken cancellationToken)
    {
        using var objectStore = new HttpClient(session.Context.ObjectStore, disposeHandler: false) { Timeout = TimeSpan.FromHours(1) };
        var pieces = files.SelectMany(f => Pieces(f.File, f.Plan)).ToList();
        await Parallel.ForEachAsync(pieces, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
            (piece, ct) => PutAsync(objectStore, piece, progress, ct));
    }

    private static IEnumerable<Piece> Pieces(LocalFile file, FileUpload plan)
    {
        if (plan.Method == UploadMethod.Put)
        {
            return [new Piece(file, null, 0, file.SizeBytes, plan.Url!, plan.ExpiresAt)];
        }

        var partSize = plan.PartSizeBytes!.Value;
        return plan.Parts!.Select(p => new Piece(file, p.Number, (p.Number - 1) * partSize, Math.Min(partSize, file.SizeBytes - (p.Number - 1) * partSize), p.Url,
            plan.ExpiresAt));
    }

    private async ValueTask PutAsync(HttpClient objectStore, Piece piece, Action<string, long> progress, CancellationToken cancellationToken)
    {
        var clock = session.Context.Clock;
        for (var attempt = 1; ; attempt++)
        {
            if (piece.ExpiresAt is { } expiresAt && clock.GetUtcNow() > expiresAt - ExpiryMargin)
            {
                piece = await FreshAsync(piece, cancellationToken);
            }

            var content = new FileRangeContent(piece.File.FullPath, piece.Offset, piece.Length, sent => progress(piece.File.Path, sent));
            string failure;
            try
            {
                using var response = await objectStore.PutAsync(piece.Url, content, cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }

                failure = $"{(int)response.StatusCode} {response.ReasonPhrase}";
            }
            catch (HttpRequestException e)
            {
                failure = e.Message;
            }

            progress(piece.File.Path, -content.Sent);
            if (attempt == MaxAttempts)
            {
                throw new OutcomeException(ExitCodes.Transient,
                    $"the upload of {piece.Name} failed {MaxAttempts} times (last: {failure}); run the same push again to resume.");
            }

            await Task.Delay(session.Context.Retries.Backoff(attempt, null), clock, cancellationToken);
            piece = await FreshAsync(piece, cancellationToken);
        }
    }

    /// <summary>The piece with a newly presigned URL: `:upload-parts` for a part, the version's plan for a whole file.</summary>
    private async Task<Piece> FreshAsync(Piece piece, CancellationToken cancellationToken)
    {
        var number = version.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (piece.Part is { } part)
        {
            var parts = (await session.Client.CreateModelFileUploadPartsAsync(tenant, model, number, piece.File.Path, new UploadPartsRequest { Parts = [part] },
                cancellationToken)).Result;
            return piece with { Url = parts.Parts!.Single().Url, ExpiresAt = parts.ExpiresAt };
        }

        var plan = (await session.Client.GetModelVersionAsync(tenant, model, number, cancellationToken)).Result.Uploads?
            .SingleOrDefault(u => string.Equals(u.Path, piece.File.Path, StringComparison.Ordinal))
            ?? throw new OutcomeException(ExitCodes.Refused, $"model/{model} version {number} plans no upload of {piece.File.Path} any more (finalized meanwhile?).");
        return piece with { Url = plan.Url!, ExpiresAt = plan.ExpiresAt };
    }
}
