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

    private readonly IReadOnlyDictionary<string, CachedFace?>? _faces;

    private ImageEmbeddings(IReadOnlyDictionary<string, CachedFace?> faces)
    {
        _faces = faces;
        _embeddings = faces.ToDictionary(kv => kv.Key, kv => kv.Value?.Face.Embedding, StringComparer.Ordinal);
    }

    /// <summary>
    /// Analyses every distinct path, <paramref name="workers"/> images at a time (2 is fastest on 2 cores with
    /// single-threaded model runs, docs/models.md). <paramref name="progress"/> gets the number of images done.
    /// With a <paramref name="cache"/>, images whose file is unchanged since they were stored are not analysed again.
    /// </summary>
    public static ImageEmbeddings Compute(FacePipeline pipeline, IEnumerable<string> paths, IProgress<int>? progress = null, int workers = 2,
        EmbeddingCache? cache = null)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        var distinct = paths.Distinct(StringComparer.Ordinal).ToList();
        var result = new ConcurrentDictionary<string, CachedFace?>(StringComparer.Ordinal);
        var stored = new Dictionary<string, Dictionary<string, (long Size, long Ticks, CachedFace? Face)>>(StringComparer.Ordinal);
        var todo = new List<string>();
        var done = 0;
        foreach (var path in distinct)
        {
            if (cache is null) { todo.Add(path); continue; }
            var set = EmbeddingCache.SetOf(path);
            if (!stored.TryGetValue(set, out var entries)) stored[set] = entries = cache.Load(set);
            var info = new FileInfo(path);
            if (info.Exists && entries.TryGetValue(path, out var e) && e.Size == info.Length && e.Ticks == info.LastWriteTimeUtc.Ticks)
            {
                result[path] = e.Face;
                progress?.Report(++done);
            }
            else
            {
                todo.Add(path);
            }
        }
        Parallel.ForEach(todo, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, workers) }, path =>
        {
            CachedFace? face;
            try
            {
                var analysis = pipeline.Analyze(path);
                face = analysis.Largest is { } f ? new CachedFace(f, analysis.Width, analysis.Height) : null;
            }
            catch (ImageLoadException)
            {
                face = null;
            }
            result[path] = face;
            progress?.Report(Interlocked.Increment(ref done));
        });
        if (cache is not null && todo.Count > 0)
        {
            foreach (var group in todo.GroupBy(EmbeddingCache.SetOf))
            {
                var entries = stored[group.Key];
                foreach (var path in group)
                {
                    var info = new FileInfo(path);
                    entries[path] = (info.Exists ? info.Length : -1, info.Exists ? info.LastWriteTimeUtc.Ticks : 0, result[path]);
                }
                cache.Save(group.Key, entries);
            }
        }
        return new ImageEmbeddings(result);
    }

    /// <summary>The largest face of the image at <paramref name="path"/> with its image size; null without one, or when only embeddings were given.</summary>
    public CachedFace? FaceOf(string path) => _faces is not null && _faces.TryGetValue(path, out var f) ? f : null;

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
