using System.Net;

namespace ControlPlane.Cli.Push;

/// <summary>
/// A request body of bytes [offset, offset + length) of a file, streamed from disk (never buffered whole: parts are
/// up to gigabytes), reporting each chunk sent so the progress bar moves while a part is on the wire.
/// </summary>
internal sealed class FileRangeContent(string path, long offset, long length, Action<long> sent) : HttpContent
{
    private const int ChunkBytes = 256 * 1024;

    /// <summary>Bytes sent so far by this attempt (taken back from the progress when it fails).</summary>
    public long Sent { get; private set; }

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, ChunkBytes, FileOptions.Asynchronous | FileOptions.SequentialScan);
        file.Position = offset;
        var buffer = new byte[ChunkBytes];
        var remaining = length;
        while (remaining > 0)
        {
            var read = await file.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, remaining)), cancellationToken);
            if (read == 0)
            {
                throw new IOException($"{path} is shorter than when it was hashed: it changed during the push.");
            }

            await stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            remaining -= read;
            Sent += read;
            sent(read);
        }
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override bool TryComputeLength(out long computed)
    {
        computed = length;
        return true;
    }
}
