using Lookalike.Gallery;
using Lookalike.Search;

namespace Lookalike.Evaluation;

/// <summary>Measures a model's references on labelled photos: the likeness distribution and the open-set model (`lookalike calibrate`).</summary>
public static class References
{
    /// <summary>The cosine of every pair of images of different identities where both have a face.</summary>
    public static IEnumerable<float> DifferentPairCosines(IReadOnlyList<LabelledImage> images, ImageEmbeddings embeddings)
    {
        var found = images.Where(i => embeddings[i.Path] is not null).ToList();
        for (var i = 0; i < found.Count; i++)
            for (var j = i + 1; j < found.Count; j++)
                if (found[i].Identity != found[j].Identity)
                    yield return System.Numerics.Tensors.TensorPrimitives.Dot(embeddings[found[i].Path]!, embeddings[found[j].Path]!);
    }

    /// <summary>
    /// Fits <see cref="OpenSetModel"/> as the stock one was: every query (members, then strangers) scored against every
    /// gallery identity the way `match` scores them, labelled by whether it is the query's identity.
    /// </summary>
    public static OpenSetModel FitOpenSet(IReadOnlyList<LabelledImage> gallery, IReadOnlyList<LabelledImage> members, IReadOnlyList<LabelledImage> strangers,
        ImageEmbeddings embeddings, string fittedOn)
    {
        var faces = new List<StoredFace>();
        foreach (var g in gallery)
            if (embeddings[g.Path] is { } e) faces.Add(new StoredFace(faces.Count, g.Identity, g.Path, e));
        if (faces.Count == 0) throw new ArgumentException("no gallery image has a face");
        var index = new FaceIndex(faces, faces[0].Embedding.Length);
        var rows = new List<IReadOnlyList<(float, bool)>>();
        foreach (var (q, member) in members.Select(m => (m, true)).Concat(strangers.Select(s => (s, false))))
            if (embeddings[q.Path] is { } e)
                rows.Add([.. index.Search(e, index.IdentityCount).Select(m => (m.Similarity, member && m.Identity == q.Identity))]);
        return OpenSetModel.Fit(rows, fittedOn);
    }
}
