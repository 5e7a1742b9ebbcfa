using System.Collections.Concurrent;
using Lookalike.Faces;
using Lookalike.Imaging;

namespace Lookalike.Evaluation;

/// <summary>
/// The embedding of the largest face of each distinct image, computed once per image for a whole evaluation.
/// Null for an image without a face or that cannot be read: evaluations count those as failures, never drop them.
/// </summary>
public sealed class ImageEmbeddings
{
    private readonly IReadOnlyDictionary<string, float[]?> _embeddings;

    /// <summary>Wraps precomputed embeddings: image path → unit embedding, or null for an image without a usable face.</summary>
    public ImageEmbeddings(IReadOnlyDictionary<string, float[]?> embeddings) => _embeddings = embeddings;

    /// <summary>
    /// Analyses every distinct path, <paramref name="workers"/> images at a time (2 is fastest on 2 cores with
    /// single-threaded model runs, docs/models.md). <paramref name="progress"/> gets the number of images done.
    /// </summary>
    public static ImageEmbeddings Compute(FacePipeline pipeline, IEnumerable<string> paths, IProgress<int>? progress = null, int workers = 2)
    {
        var distinct = paths.Distinct(StringComparer.Ordinal).ToList();
        var result = new ConcurrentDictionary<string, float[]?>(StringComparer.Ordinal);
        var done = 0;
        Parallel.ForEach(distinct, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, workers) }, path =>
        {
            float[]? embedding;
            try
            {
                embedding = pipeline.Analyze(path).Largest?.Embedding;
            }
            catch (ImageLoadException)
            {
                embedding = null;
            }
            result[path] = embedding;
            progress?.Report(Interlocked.Increment(ref done));
        });
        return new ImageEmbeddings(result);
    }

    /// <summary>Number of distinct images, with or without a face.</summary>
    public int Count => _embeddings.Count;

    /// <summary>Images without a usable face (no face found or unreadable).</summary>
    public IReadOnlyList<string> Failures => [.. _embeddings.Where(kv => kv.Value is null).Select(kv => kv.Key).Order(StringComparer.Ordinal)];

    /// <summary>The embedding of the image at <paramref name="path"/>; null when it had no usable face or was never computed.</summary>
    public float[]? this[string path] => _embeddings.TryGetValue(path, out var e) ? e : null;

    /// <summary>Cosine of each pair, or -1 (a sure "different") when either image has no face: a failure stays in the statistics.</summary>
    public List<ScoredPair> Score(IReadOnlyList<ImagePair> pairs) =>
        [.. pairs.Select(p => new ScoredPair(this[p.A] is { } a && this[p.B] is { } b
            ? System.Numerics.Tensors.TensorPrimitives.Dot(a, b) : -1f, p.Same))];
}
