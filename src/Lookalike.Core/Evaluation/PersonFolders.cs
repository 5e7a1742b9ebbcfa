using Lookalike.Gallery;

namespace Lookalike.Evaluation;

/// <summary>A folder with one sub-folder of photos per person (the sub-folder name is the identity), as the gallery uses.</summary>
public static class PersonFolders
{
    /// <summary>Every file under the root except hidden ones, with its identity, in ordinal path order (so seeded sampling is reproducible).</summary>
    public static List<LabelledImage> Read(string root)
    {
        root = Path.GetFullPath(root).TrimEnd('/');
        if (!Directory.Exists(root)) throw new DirectoryNotFoundException($"folder not found: {root}");
        return [.. Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(p => !Path.GetFileName(p).StartsWith('.'))
            .Order(StringComparer.Ordinal)
            .Select(p => new LabelledImage(p, GalleryIndexer.IdentityOf(root, p, null)!))];
    }

    /// <summary>
    /// All same-person pairs, plus as many different-person pairs drawn at random (seeded) from all the others, so
    /// both classes weigh equally in accuracy; fewer only if there are not that many different pairs.
    /// </summary>
    public static List<ImagePair> Pairs(IReadOnlyList<LabelledImage> images, int seed = Bootstrap.DefaultSeed)
    {
        var same = new List<ImagePair>();
        for (var i = 0; i < images.Count; i++)
            for (var j = i + 1; j < images.Count; j++)
                if (images[i].Identity == images[j].Identity) same.Add(new ImagePair(images[i].Path, images[j].Path, true));
        long n = images.Count;
        var differentTotal = n * (n - 1) / 2 - same.Count;
        var wanted = (int)Math.Min(same.Count, differentTotal);
        var random = new Random(seed);
        var chosen = new HashSet<(int, int)>();
        var different = new List<ImagePair>(wanted);
        if (wanted == differentTotal)
        {
            for (var i = 0; i < images.Count; i++)
                for (var j = i + 1; j < images.Count; j++)
                    if (images[i].Identity != images[j].Identity) different.Add(new ImagePair(images[i].Path, images[j].Path, false));
        }
        else
        {
            while (different.Count < wanted)
            {
                int i = random.Next(images.Count), j = random.Next(images.Count);
                if (i == j || images[i].Identity == images[j].Identity) continue;
                if (!chosen.Add((Math.Min(i, j), Math.Max(i, j)))) continue;
                different.Add(new ImagePair(images[Math.Min(i, j)].Path, images[Math.Max(i, j)].Path, false));
            }
        }
        return [.. same, .. different];
    }
}
