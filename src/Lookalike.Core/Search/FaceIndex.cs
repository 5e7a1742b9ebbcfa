using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace Lookalike.Search;

/// <summary>
/// Exact cosine search over all gallery embeddings, held in one contiguous row-major matrix and scanned with
/// SIMD dot products. Results are per identity: the mean of an identity's top few face cosines (top-3 measured
/// better than the single best face on celebs-24 rank-1, docs/models.md), so one lucky photo counts less.
/// </summary>
public sealed class FaceIndex : IFaceSearch
{
    /// <summary>How many of an identity's best faces are averaged into its score.</summary>
    public const int FacesPerIdentity = 3;

    private readonly float[] _matrix;
    private readonly int[] _identityOfRow;
    private readonly long[] _faceIds;
    private readonly string[] _paths;
    private readonly string[] _identities;
    private readonly int[] _facesOfIdentity;

    /// <summary>Copies <paramref name="faces"/> (normalised embeddings of width <paramref name="dimension"/>) into the in-memory matrix.</summary>
    public FaceIndex(IReadOnlyList<StoredFace> faces, int dimension)
    {
        Dimension = dimension;
        Count = faces.Count;
        _matrix = new float[(long)faces.Count * dimension];
        _identityOfRow = new int[faces.Count];
        _faceIds = new long[faces.Count];
        _paths = new string[faces.Count];
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < faces.Count; i++)
        {
            var f = faces[i];
            if (f.Embedding.Length != dimension)
                throw new ArgumentException($"face {f.Id} has {f.Embedding.Length} dimensions, expected {dimension}");
            f.Embedding.CopyTo(_matrix.AsSpan(i * dimension, dimension));
            if (!ids.TryGetValue(f.Identity, out var id)) ids[f.Identity] = id = ids.Count;
            _identityOfRow[i] = id;
            _faceIds[i] = f.Id;
            _paths[i] = f.Path;
        }
        _identities = new string[ids.Count];
        foreach (var (name, id) in ids) _identities[id] = name;
        _facesOfIdentity = new int[ids.Count];
        foreach (var id in _identityOfRow) _facesOfIdentity[id]++;
    }

    /// <summary>Embedding width (floats per face).</summary>
    public int Dimension { get; }
    /// <inheritdoc/>
    public int Count { get; }
    /// <inheritdoc/>
    public int IdentityCount => _identities.Length;

    /// <summary>The raw row-major matrix, for reference measurements only.</summary>
    internal ReadOnlySpan<float> MatrixForReference => _matrix;

    /// <summary>Cosine similarity of the (normalised) query to every gallery face, in row order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Similarities(ReadOnlySpan<float> query, Span<float> output)
    {
        if (query.Length != Dimension) throw new ArgumentException($"query has {query.Length} dimensions, expected {Dimension}");
        var m = _matrix.AsSpan();
        for (var i = 0; i < Count; i++) output[i] = TensorPrimitives.Dot(m.Slice(i * Dimension, Dimension), query);
    }

    /// <summary>The <paramref name="top"/> most similar identities, best first.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public IReadOnlyList<IdentityMatch> Search(ReadOnlySpan<float> query, int top = 5)
    {
        if (Count == 0 || top <= 0) return [];
        var sims = new float[Count];
        Similarities(query, sims);
        // Per identity, keep its best FacesPerIdentity cosines (sorted descending) and the row of the best.
        var best = new float[_identities.Length * FacesPerIdentity];
        Array.Fill(best, float.NegativeInfinity);
        var bestRow = new int[_identities.Length];
        for (var i = 0; i < Count; i++)
        {
            var id = _identityOfRow[i];
            var slot = best.AsSpan(id * FacesPerIdentity, FacesPerIdentity);
            var s = sims[i];
            if (s <= slot[^1]) continue;
            var j = FacesPerIdentity - 1;
            while (j > 0 && slot[j - 1] < s) { slot[j] = slot[j - 1]; j--; }
            slot[j] = s;
            if (j == 0) bestRow[id] = i;
        }
        var scores = new (int Id, float Score)[_identities.Length];
        for (var id = 0; id < _identities.Length; id++)
        {
            var n = Math.Min(FacesPerIdentity, _facesOfIdentity[id]);
            scores[id] = (id, TensorPrimitives.Sum(best.AsSpan(id * FacesPerIdentity, n)) / n);
        }
        Array.Sort(scores, (a, b) => b.Score.CompareTo(a.Score));
        return [.. scores.Take(top).Select(s => new IdentityMatch(_identities[s.Id], s.Score, best[s.Id * FacesPerIdentity],
            _faceIds[bestRow[s.Id]], _paths[bestRow[s.Id]], _facesOfIdentity[s.Id]))];
    }
}
