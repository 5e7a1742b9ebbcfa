namespace Lookalike.Gallery;

/// <summary>
/// A read-only pass-through that counts the bytes read from <paramref name="inner"/> and calls
/// <paramref name="check"/> with the running count after every read (which may throw to stop the reading).
/// </summary>
internal sealed class CountingStream(Stream inner, Action<long>? check = null) : Stream
{
    /// <summary>Bytes read so far.</summary>
    public long Count { get; private set; }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = inner.Read(buffer);
        Count += n;
        check?.Invoke(Count);
        return n;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => Count; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}
