using Lookalike.Imaging;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lookalike.Web;

/// <summary>The files of one multipart request, by field, or the problem that stopped reading them.</summary>
internal sealed record Upload(byte[][] Files, ProblemHttpResult? Problem)
{
    public byte[] this[int field] => Files[field];
}

/// <summary>
/// Reads multipart uploads into memory. The status comes from what went wrong, never from an exception's text:
/// over the size limit → 413 (refused before reading when Content-Length says so, otherwise by a counting stream
/// that stops at the limit); a malformed body (no boundary, garbage, a part cut short, too many parts or headers)
/// → 400 with the parser's reason; not multipart → 415; a missing field → 400.
/// </summary>
internal static class Uploads
{
    // Room for the multipart framing (boundaries, part headers) around the files themselves.
    private const long FramingAllowance = 64 * 1024;

    public static async Task<Upload> ReadAsync(HttpContext http, WebOptions options, CancellationToken cancellation, params string[] fields)
    {
        var limit = options.MaxUploadBytes;
        var bodyLimit = limit + FramingAllowance;
        if (http.Request.ContentLength > bodyLimit)
            return Failed(413, $"upload is {http.Request.ContentLength / 1048576.0:F1} MB, over the {Megabytes(limit)} MB limit");
        if (!http.Request.HasFormContentType) return Failed(415, "send the image as multipart/form-data");
        IFormCollection form;
        try
        {
            if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = bodyLimit;
            http.Request.Body = new LimitedReadStream(http.Request.Body, bodyLimit);
            // The form reader's own body limit sits above ours, so that a too-large body is always ours to report.
            form = await http.Request.ReadFormAsync(new FormOptions { MultipartBodyLengthLimit = bodyLimit + 1 }, cancellation);
        }
        catch (UploadTooLargeException)
        {
            return Failed(413, $"upload over the {Megabytes(limit)} MB limit");
        }
        catch (BadHttpRequestException e)
        {
            // Kestrel's own checks: its body size limit (413), a body shorter than announced (400), a client too slow (408).
            return Failed(e.StatusCode, e.StatusCode == StatusCodes.Status413PayloadTooLarge ? $"upload over the {Megabytes(limit)} MB limit" : $"bad request body: {e.Message}");
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            // The multipart parser: no or bad boundary, a body ending mid-part, more parts or part headers than allowed.
            return Failed(400, $"malformed multipart body: {e.Message}");
        }
        var files = new byte[fields.Length][];
        for (var i = 0; i < fields.Length; i++)
        {
            var file = form.Files.GetFile(fields[i]);
            if (file is null) return Failed(400, $"missing the multipart file field '{fields[i]}'");
            if (file.Length > limit) return Failed(413, $"'{fields[i]}' is {file.Length / 1048576.0:F1} MB, over the {Megabytes(limit)} MB limit");
            using var buffer = new MemoryStream((int)file.Length);
            await file.CopyToAsync(buffer, cancellation);
            files[i] = buffer.ToArray();
        }
        return new Upload(files, null);
    }

    /// <summary>An image the decoder refused: 413 over the pixel limit, 415 otherwise, with the decoder's reason.</summary>
    public static ProblemHttpResult ImageProblem(ImageLoadException e) =>
        e.Problem == Imaging.ImageProblem.TooLarge ? Problems.Of(413, e.Message) : Problems.Of(415, $"not a readable image: {e.Message}");

    private static Upload Failed(int status, string reason) => new([], Problems.Of(status, reason));

    private static string Megabytes(long bytes) => (bytes / 1048576.0).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>Thrown by <see cref="LimitedReadStream"/> when a body goes past its limit.</summary>
internal sealed class UploadTooLargeException(long limit) : IOException($"request body over {limit} bytes");

/// <summary>A read-only view of a request body that throws <see cref="UploadTooLargeException"/> past a byte limit.</summary>
internal sealed class LimitedReadStream(Stream inner, long limit) : Stream
{
    private long _read;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _read; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await inner.ReadAsync(buffer, cancellationToken));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private int Count(int n)
    {
        _read += n;
        return _read > limit ? throw new UploadTooLargeException(limit) : n;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
