using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using Lookalike.Gallery;
using Lookalike.Search;

namespace Lookalike.Benchmarks;

/// <summary>
/// Top-5 search over synthetic unit vectors of the stock model's size (512): the exact float scan, and the int8 index
/// with float re-rank that a million-face gallery needs (0.5 GB of codes instead of 2 GB of floats).
/// </summary>
[MemoryDiagnoser]
public class SearchBenchmark
{
    private const int Dimension = 512;
    private FaceIndex _exact = null!;
    private QuantizedIndex _quantized = null!;
    private List<float[]> _embeddings = null!;
    private float[] _query = null!;

    [Params(10_000, 100_000, 1_000_000)]
    public int Faces { get; set; }

    [GlobalSetup]
    public void SetUp()
    {
        var random = new Random(42);
        _embeddings = new List<float[]>(Faces);
        _quantized = new QuantizedIndex(Dimension, Faces);
        for (var i = 0; i < Faces; i++)
        {
            var v = new float[Dimension];
            for (var j = 0; j < Dimension; j++) v[j] = (float)(random.NextDouble() * 2 - 1);
            TensorPrimitives.Divide(v, TensorPrimitives.Norm(v), v);
            _embeddings.Add(v);
            _quantized.Add(v);
        }
        _exact = new FaceIndex([.. _embeddings.Select((e, i) => new StoredFace(i, $"person {i / 20}", "", e))], Dimension);
        _query = _embeddings[Faces / 2];
    }

    [Benchmark(Baseline = true)] public int ExactFloat() => _exact.Search(_query, 5).Count;
    [Benchmark] public int Int8WithRerank() => _quantized.Search(_query, 5, 100, row => _embeddings[row]).Length;
}
