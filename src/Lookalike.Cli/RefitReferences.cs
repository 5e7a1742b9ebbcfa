using Lookalike.Evaluation;
using Lookalike.Faces;

namespace Lookalike.Cli;

/// <summary>`calibrate --identities / --gallery --queries --strangers`: refits the likeness reference and the open-set model (core does the math).</summary>
internal static class RefitReferences
{
    public static Calibration Apply(Calibration fitted, FacePipeline pipeline, DirectoryInfo[]? identities, DirectoryInfo? gallery, DirectoryInfo? queries,
        DirectoryInfo? strangers, Func<IEnumerable<string>, ImageEmbeddings> embed)
    {
        // What is not refitted is kept from the model's current calibration when it describes this very model.
        var current = pipeline.Calibration.ModelId == pipeline.ModelId ? pipeline.Calibration : null;
        var likeness = current?.Likeness;
        var openSet = current?.OpenSet;
        if (identities is { Length: > 0 })
        {
            var images = identities.SelectMany(d => PersonFolders.Read(d.FullName).Select(i => (Set: d.FullName, Image: i))).ToList();
            var embeddings = embed(images.Select(i => i.Image.Path));
            // Pairs within each folder only: two folders may hold the same person under different names.
            var cosines = images.GroupBy(i => i.Set).SelectMany(g => References.DifferentPairCosines([.. g.Select(x => x.Image)], embeddings));
            likeness = LikenessTable.FromCosines(cosines, "every pair of photos of two different people within " + string.Join(", ", identities.Select(d => d.FullName)));
        }
        if (gallery is not null)
        {
            if (queries is null) throw new CliException("--gallery needs --queries (photos of gallery people)");
            var g = PersonFolders.Read(gallery.FullName);
            var q = PersonFolders.Read(queries.FullName);
            var s = strangers is null ? [] : PersonFolders.Read(strangers.FullName);
            var embeddings = embed(g.Concat(q).Concat(s).Select(i => i.Path));
            openSet = References.FitOpenSet(g, q, s, embeddings, $"{gallery.FullName} ← {queries.FullName}{(strangers is null ? "" : " + strangers " + strangers.FullName)}");
        }
        return fitted with { Likeness = likeness, OpenSet = openSet };
    }
}
