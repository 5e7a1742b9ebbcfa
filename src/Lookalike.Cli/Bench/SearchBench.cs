using System.Diagnostics;
using System.Numerics.Tensors;
using Lookalike.Gallery;
using Lookalike.Search;
using static Lookalike.Cli.Bench.StageTimer;

namespace Lookalike.Cli.Bench;

/// <summary>Search over synthetic unit vectors: SIMD float scans, the int8 index and its references (scalar loop, exact scan, bandwidth).</summary>
internal static class SearchBench
{
    /// <summary>The reference for the int8 index: cosine of a query against 1M float rows (2 GB), scanned on every core.</summary>
    public static Stats ExactScan1M(int dimension, float[] query, int runs)
    {
        const int rows = 1_000_000;
        var matrix = new float[(long)rows * dimension];
        var random = new Random(11);
        for (long i = 0; i < matrix.LongLength; i++) matrix[i] = (float)(random.NextDouble() * 2 - 1) * 0.044f;
        var scores = new float[rows];
        var workers = Environment.ProcessorCount;
        var chunk = (rows + workers - 1) / workers;
        return Time(runs, () => Parallel.For(0, workers, w =>
        {
            for (var r = w * chunk; r < Math.Min(rows, (w + 1) * chunk); r++)
                scores[r] = TensorPrimitives.Dot(matrix.AsSpan(r * dimension, dimension), query);
        }));
    }

    /// <summary>Recall@10 of the int8 index (100 candidates re-ranked in float) against exact search, 100k synthetic faces.</summary>
    public static double RecallAt10(int dimension)
    {
        var exact = SyntheticIndex(100_000, dimension, out var embeddings);
        var quantized = new QuantizedIndex(dimension, embeddings.Count);
        foreach (var e in embeddings) quantized.Add(e);
        var random = new Random(3);
        var sims = new float[embeddings.Count];
        double hits = 0;
        const int queries = 50;
        for (var q = 0; q < queries; q++)
        {
            var query = embeddings[random.Next(embeddings.Count)].Select(v => v + (float)(random.NextDouble() - 0.5) * 0.08f).ToArray();
            TensorPrimitives.Divide(query, TensorPrimitives.Norm(query), query);
            exact.Similarities(query, sims);
            var truth = sims.Select((s, i) => (s, i)).OrderByDescending(t => t.s).Take(10).Select(t => t.i).ToHashSet();
            hits += quantized.Search(query, 10, 100, row => embeddings[row]).Count(r => truth.Contains(r.Row));
        }
        return hits / (queries * 10);
    }

    /// <summary>Bytes per second read by a SIMD sum over 256 MB on all cores: the most a full scan can stream.</summary>
    public static double ReadBandwidth()
    {
        var data = new float[64 * 1024 * 1024];
        data.AsSpan().Fill(1f);
        var parts = Environment.ProcessorCount;
        var chunk = data.Length / parts;
        var best = double.MaxValue;
        for (var i = 0; i < 5; i++)
        {
            var sw = Stopwatch.StartNew();
            Parallel.For(0, parts, p => TensorPrimitives.Sum(data.AsSpan(p * chunk, chunk)));
            best = Math.Min(best, sw.Elapsed.TotalSeconds);
        }
        return data.Length * (double)sizeof(float) / best;
    }

    public static FaceIndex SyntheticIndex(int size, int dimension) => SyntheticIndex(size, dimension, out _);

    public static FaceIndex SyntheticIndex(int size, int dimension, out List<float[]> embeddings)
    {
        var random = new Random(42);
        var faces = new List<StoredFace>(size);
        for (var i = 0; i < size; i++)
        {
            var v = new float[dimension];
            for (var j = 0; j < dimension; j++) v[j] = (float)(random.NextDouble() * 2 - 1);
            TensorPrimitives.Divide(v, TensorPrimitives.Norm(v), v);
            faces.Add(new StoredFace(i, $"person {i / 20}", "", v));
        }
        embeddings = [.. faces.Select(f => f.Embedding)];
        return new FaceIndex(faces, dimension);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static void ScalarScan(float[] matrix, int d, float[] query, float[] output)
    {
        // Reference: the same similarities with a plain scalar loop, to show what SIMD buys.
        var faces = output.Length;
        for (var i = 0; i < faces; i++)
        {
            float s = 0;
            for (var j = 0; j < d; j++) s += matrix[i * d + j] * query[j];
            output[i] = s;
        }
    }
}
