using System.Numerics.Tensors;
using Lookalike.Gallery;
using Lookalike.Search;

namespace Lookalike.Tests;

public class QuantizedIndexTests
{
    private static float[] RandomUnit(Random r, int d)
    {
        var v = new float[d];
        for (var i = 0; i < d; i++) v[i] = (float)(r.NextDouble() * 2 - 1);
        TensorPrimitives.Divide(v, TensorPrimitives.Norm(v), v);
        return v;
    }

    [Fact]
    public void Int8_dot_matches_the_scalar_dot()
    {
        var r = new Random(5);
        var a = new sbyte[517];
        var b = new sbyte[517];
        for (var i = 0; i < a.Length; i++) { a[i] = (sbyte)r.Next(-127, 128); b[i] = (sbyte)r.Next(-127, 128); }
        var expected = 0;
        for (var i = 0; i < a.Length; i++) expected += a[i] * b[i];
        Assert.Equal(expected, QuantizedIndex.Dot(a, b));
    }

    [Fact]
    public void Int8_dot_is_exact_at_the_largest_codes()
    {
        // The AVX2 kernel sums pairs of products in int16 before widening: the largest codes (±127, as Quantize clamps) must not saturate.
        foreach (var (x, y) in new (sbyte, sbyte)[] { (127, 127), (-127, -127), (127, -127), (-127, 127) })
        {
            var a = Enumerable.Repeat(x, 512).ToArray();
            var b = Enumerable.Repeat(y, 512).ToArray();
            Assert.Equal(512 * x * y, QuantizedIndex.Dot(a, b));
        }
    }

    [Fact]
    public void Recall_at_10_against_exact_float_search_on_100k_faces()
    {
        const int n = 100_000, d = 512;
        var r = new Random(11);
        var faces = new List<StoredFace>(n);
        var quantized = new QuantizedIndex(d, n);
        for (var i = 0; i < n; i++)
        {
            var v = RandomUnit(r, d);
            faces.Add(new StoredFace(i, $"p{i}", "", v));
            quantized.Add(v);
        }
        Assert.True(quantized.Bytes < n * d * 4 / 3.9);
        var exact = new FaceIndex(faces, d);
        var sims = new float[n];
        double found = 0;
        const int queries = 20;
        for (var q = 0; q < queries; q++)
        {
            // A query near a gallery face, like a new photo of a known person.
            var near = faces[r.Next(n)].Embedding;
            var noise = RandomUnit(r, d);
            var query = near.Zip(noise, (a, b) => a + 0.9f * b).ToArray();
            TensorPrimitives.Divide(query, TensorPrimitives.Norm(query), query);
            exact.Similarities(query, sims);
            var truth = sims.Select((s, i) => (s, i)).OrderByDescending(t => t.s).Take(10).Select(t => t.i).ToHashSet();
            var got = quantized.Search(query, 10, 100, row => faces[row].Embedding).Select(t => t.Row);
            found += got.Count(truth.Contains);
        }
        var recall = found / (queries * 10);
        Assert.True(recall >= 0.99, $"recall@10 {recall:F3}");
    }
}
