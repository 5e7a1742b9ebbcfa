using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Lookalike.Search;

/// <summary>
/// Embeddings quantised to int8 (one scale per face, symmetric), a quarter of the float matrix's memory: 1M x 512
/// faces in 0.52 GB. A query scans all rows with integer dot products (AVX2 where present), in parallel over
/// cores, and returns the best candidates by approximate cosine; callers re-rank those with the float embeddings.
/// </summary>
public sealed partial class QuantizedIndex
{
    private sbyte[] _codes;
    private float[] _scales;
    // Per row: the caller's key (a store's face id) and group (e.g. a hash of the identity); a removed row is only marked.
    private long[] _keys;
    private long[] _groups;
    private bool[] _removed;
    private readonly bool _growable;

    /// <summary>An empty index for embeddings of width <paramref name="dimension"/>.</summary>
    /// <param name="dimension">Embedding width (values per row), above 0.</param>
    /// <param name="capacity">Rows to allocate at first.</param>
    /// <param name="growable">Grow (double) when full instead of throwing.</param>
    public QuantizedIndex(int dimension, int capacity, bool growable = false)
    {
        if (dimension <= 0) throw new ArgumentOutOfRangeException(nameof(dimension));
        Dimension = dimension;
        capacity = Math.Max(capacity, growable ? 16 : 0);
        _codes = NewCodes((long)dimension * capacity);
        _scales = new float[capacity];
        _keys = new long[capacity];
        _groups = new long[capacity];
        _removed = new bool[capacity];
        _growable = growable;
    }

    /// <summary>Embedding width (values per row).</summary>
    public int Dimension { get; }
    /// <summary>Rows, removed ones included (row numbers stay stable until <see cref="Compacted"/>).</summary>
    public int Count { get; private set; }
    /// <summary>Rows not removed.</summary>
    public int LiveCount => Count - RemovedCount;
    /// <summary>Rows marked removed and not yet compacted away.</summary>
    public int RemovedCount { get; private set; }
    /// <summary>Memory held by the codes and scales, in bytes (capacity, not only used rows).</summary>
    public long Bytes => _codes.LongLength + _scales.LongLength * sizeof(float);

    /// <summary>Appends one (normalised) embedding; returns its row.</summary>
    public int Add(ReadOnlySpan<float> embedding) => Add(embedding, Count, 0);

    /// <summary>Appends one (normalised) embedding with the caller's <paramref name="key"/> and <paramref name="group"/>; returns its row.</summary>
    public int Add(ReadOnlySpan<float> embedding, long key, long group)
    {
        if (embedding.Length != Dimension) throw new ArgumentException($"expected {Dimension} dimensions, got {embedding.Length}");
        Reserve(Count + 1);
        var row = Count;
        _scales[row] = Quantize(embedding, _codes.AsSpan(row * Dimension, Dimension));
        _keys[row] = key;
        _groups[row] = group;
        Count = row + 1;
        return row;
    }

    /// <summary>Appends a row already quantised (codes and scale as <see cref="Quantize"/> writes them).</summary>
    internal int AddQuantized(ReadOnlySpan<sbyte> codes, float scale, long key, long group)
    {
        Reserve(Count + 1);
        var row = Count;
        codes.CopyTo(_codes.AsSpan(row * Dimension, Dimension));
        (_scales[row], _keys[row], _groups[row]) = (scale, key, group);
        Count = row + 1;
        return row;
    }

    private void Reserve(int rows)
    {
        if (rows <= _scales.Length) return;
        if (!_growable) throw new InvalidOperationException($"the index is full ({Count} rows)");
        var capacity = Math.Max(rows, _scales.Length * 2);
        var codes = NewCodes(checked(capacity * Dimension));
        _codes.AsSpan(0, Count * Dimension).CopyTo(codes);
        _codes = codes;
        Array.Resize(ref _scales, capacity);
        Array.Resize(ref _keys, capacity);
        Array.Resize(ref _groups, capacity);
        Array.Resize(ref _removed, capacity);
    }

    private const int HugePage = 2 << 20;

    /// <summary>
    /// The codes array. Large ones are left uninitialised (rows are written before they count) and, on Linux, advised
    /// to use transparent huge pages: a fresh process faulting in 0.5 GB page by page took 3.7-6 s on the 2-core VM,
    /// 1.5-2.3 s with 2 MB pages (same run, alternating; issue #14's 1M bench), and opening the index is most of a `match`.
    /// </summary>
    private static sbyte[] NewCodes(long length)
    {
        if (length < 4 * HugePage || !OperatingSystem.IsLinux()) return new sbyte[length];
        var codes = GC.AllocateUninitializedArray<sbyte>(checked((int)length), pinned: true);
        unsafe
        {
            fixed (sbyte* p = codes)
            {
                var start = ((nint)p + HugePage - 1) & ~(nint)(HugePage - 1);
                var end = ((nint)p + (nint)length) & ~(nint)(HugePage - 1);
                // Advice only: where huge pages are off (or the call fails) the array works as any other.
                if (end > start) _ = Madvise(start, (nuint)(end - start), 14 /* MADV_HUGEPAGE */);
            }
        }
        return codes;
    }

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Madvise(nint address, nuint length, int advice);

    /// <summary>The caller's key of <paramref name="row"/> (a store's face id).</summary>
    public long KeyOf(int row) => _keys[row];
    /// <summary>The caller's group of <paramref name="row"/> (e.g. a hash of the identity).</summary>
    public long GroupOf(int row) => _groups[row];
    /// <summary>True when <paramref name="row"/> was removed.</summary>
    public bool IsRemoved(int row) => _removed[row];

    /// <summary>Marks a row removed: searches skip it from now on. Returns false when it already was.</summary>
    public bool Remove(int row)
    {
        if (_removed[row]) return false;
        _removed[row] = true;
        RemovedCount++;
        return true;
    }

    /// <summary>The quantised codes and scale of a row (for writing the index to a file).</summary>
    internal ReadOnlySpan<sbyte> CodesOf(int row) => _codes.AsSpan(row * Dimension, Dimension);
    internal float ScaleOf(int row) => _scales[row];

    /// <summary>Fills a new, empty index with rows read by <see cref="QuantizedIndexFile"/>: the codes straight from the stream.</summary>
    internal void Load(Stream codes, long[] keys, long[] groups, float[] scales)
    {
        if (Count != 0 || _scales.Length < scales.Length) throw new InvalidOperationException("load into an empty index of enough capacity");
        codes.ReadExactly(MemoryMarshal.AsBytes(_codes.AsSpan(0, scales.Length * Dimension)));
        keys.CopyTo(_keys, 0);
        groups.CopyTo(_groups, 0);
        scales.CopyTo(_scales, 0);
        Count = scales.Length;
    }

    /// <summary>A copy without the removed rows (row numbers change; keys and groups stay).</summary>
    public QuantizedIndex Compacted()
    {
        var copy = new QuantizedIndex(Dimension, LiveCount, growable: true);
        for (var row = 0; row < Count; row++)
            if (!_removed[row]) copy.AddQuantized(CodesOf(row), _scales[row], _keys[row], _groups[row]);
        return copy;
    }

    /// <summary>Writes round(v / max|v| * 127) and returns the scale max|v| / 127.</summary>
    internal static float Quantize(ReadOnlySpan<float> v, Span<sbyte> codes)
    {
        var max = MathF.Abs(TensorPrimitives.MaxMagnitude(v)); // MaxMagnitude keeps the sign
        var scale = max > 0 ? max / 127f : 1f;
        for (var i = 0; i < v.Length; i++) codes[i] = (sbyte)Math.Clamp(MathF.Round(v[i] / scale), -127, 127);
        return scale;
    }

    /// <summary>The <paramref name="k"/> rows with the highest approximate cosine, best first.</summary>
    public ScoredRow[] Search(ReadOnlySpan<float> query, int k)
    {
        var q = new sbyte[Dimension];
        var qScale = Quantize(query, q);
        var workers = Math.Max(1, Math.Min(Environment.ProcessorCount, Count / 20_000));
        var chunk = (Count + workers - 1) / workers;
        var partial = new ScoredRow[workers][];
        Parallel.For(0, workers, w =>
        {
            var start = w * chunk;
            var end = Math.Min(Count, start + chunk);
            var top = new TopK(k);
            for (var row = start; row < end; row++)
                top.Offer(row, Dot(_codes.AsSpan(row * Dimension, Dimension), q) * _scales[row], _removed);
            partial[w] = top.Sorted();
        });
        return [.. partial.SelectMany(p => p).OrderByDescending(p => p.Score).Take(k).Select(p => new ScoredRow(p.Row, p.Score * qScale))];
    }

    /// <summary>
    /// The <paramref name="k"/> best rows for each of several queries in one pass over the matrix: each row is read
    /// from memory once and scored against every query while it is in cache, so a batch costs far less than its
    /// queries one by one when the scan is memory-bound (bench: "batch of 16").
    /// </summary>
    public ScoredRow[][] Search(IReadOnlyList<float[]> queries, int k)
    {
        var q = new sbyte[queries.Count][];
        var qScales = new float[queries.Count];
        for (var j = 0; j < queries.Count; j++)
        {
            if (queries[j].Length != Dimension) throw new ArgumentException($"query {j} has {queries[j].Length} dimensions, expected {Dimension}");
            q[j] = new sbyte[Dimension];
            qScales[j] = Quantize(queries[j], q[j]);
        }
        var workers = Math.Max(1, Math.Min(Environment.ProcessorCount, Count / 20_000));
        var chunk = (Count + workers - 1) / workers;
        var partial = new ScoredRow[workers][][];
        Parallel.For(0, workers, w =>
        {
            var start = w * chunk;
            var end = Math.Min(Count, start + chunk);
            var tops = q.Select(_ => new TopK(k)).ToArray();
            for (var row = start; row < end; row++)
            {
                var codes = _codes.AsSpan(row * Dimension, Dimension);
                for (var j = 0; j < q.Length; j++) tops[j].Offer(row, Dot(codes, q[j]) * _scales[row], _removed);
            }
            partial[w] = [.. tops.Select(t => t.Sorted())];
        });
        return [.. Enumerable.Range(0, q.Length).Select(j =>
            partial.SelectMany(p => p[j]).OrderByDescending(p => p.Score).Take(k).Select(p => new ScoredRow(p.Row, p.Score * qScales[j])).ToArray())];
    }

    /// <summary>
    /// Top <paramref name="k"/> by exact cosine: the best <paramref name="candidates"/> rows by int8 score,
    /// re-ranked with their float embeddings from <paramref name="embeddingOf"/> (e.g. the store).
    /// </summary>
    public ScoredRow[] Search(ReadOnlySpan<float> query, int k, int candidates, Func<int, float[]> embeddingOf)
    {
        var approximate = Search(query, Math.Max(k, candidates));
        var exact = new ScoredRow[approximate.Length];
        for (var i = 0; i < approximate.Length; i++)
            exact[i] = new ScoredRow(approximate[i].Row, TensorPrimitives.Dot(embeddingOf(approximate[i].Row), query));
        return [.. exact.OrderByDescending(e => e.Score).Take(k)];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static int Dot(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b)
    {
        var i = 0;
        var sum = 0;
        if (Avx2.IsSupported && a.Length >= 32)
        {
            // vpmaddubsw multiplies unsigned by signed bytes: |b| times a with b's sign is a*b, and each adjacent pair
            // sums to at most 2*127*127 < 32767 in int16 (codes are clamped to ±127); vpmaddwd then widens to int32.
            // 4 instructions per 32 codes instead of 8 widening ones: 1.6x faster on one core measured (bench/issue #14).
            var acc = Vector256<int>.Zero;
            var ones = Vector256.Create((short)1);
            ref var ra = ref MemoryMarshal.GetReference(a);
            ref var rb = ref MemoryMarshal.GetReference(b);
            for (; i + 32 <= a.Length; i += 32)
            {
                var va = Vector256.LoadUnsafe(ref ra, (nuint)i);
                var vb = Vector256.LoadUnsafe(ref rb, (nuint)i);
                acc = Avx2.Add(acc, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(Avx2.Abs(vb), Avx2.Sign(va, vb)), ones));
            }
            sum = Vector256.Sum(acc);
        }
        for (; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }

    /// <summary>A small min-heap of the best k (row, score) pairs.</summary>
    private sealed class TopK(int k)
    {
        private readonly PriorityQueue<int, float> _heap = new(k + 1);
        // The k-th best score once the heap is full (a row must beat it): one compare per row on the hot path.
        private float _bar = float.NegativeInfinity;

        /// <summary>Keeps the row if it is among the best so far; removed rows are checked only then, off the hot path.</summary>
        public void Offer(int row, float score, bool[] removed)
        {
            if (score <= _bar || removed[row]) return;
            if (_heap.Count < k) _heap.Enqueue(row, score);
            else _heap.DequeueEnqueue(row, score);
            if (_heap.Count == k) _heap.TryPeek(out _, out _bar);
        }

        public ScoredRow[] Sorted()
        {
            var list = new List<ScoredRow>(_heap.Count);
            while (_heap.TryDequeue(out var row, out var score)) list.Add(new ScoredRow(row, score));
            list.Reverse();
            return [.. list];
        }
    }
}
