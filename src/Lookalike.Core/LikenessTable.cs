using System.Globalization;
using System.Numerics.Tensors;
using System.Text.Json.Nodes;
using Lookalike.Gallery;

using Lookalike.Search;

namespace Lookalike;

/// <summary>
/// How alike two faces look, as a share of strangers: <c>likeness(cos)</c> = the share of pairs of photos of
/// <i>different</i> people (in a stated reference population) whose cosine is below <c>cos</c>. 0.99 reads "more alike
/// than 99 % of pairs of strangers". It says nothing about whether the two are the same person (that is
/// <see cref="OpenSetProbability"/> for a gallery, <see cref="Calibration.Probability(float)"/> for two photos).
/// Stored as a compact monotone table: the cosine at increasing cumulative shares (quantiles of the reference
/// distribution), interpolated linearly between knots; 0 below the lowest knot, 1 above the highest.
/// </summary>
public sealed class LikenessTable
{
    private readonly float[] _cosines;
    private readonly double[] _levels;

    /// <param name="levels">Cumulative shares, strictly increasing in [0, 1].</param>
    /// <param name="cosines">The cosine at each level, non-decreasing.</param>
    /// <param name="population">Which pairs the distribution was measured on (shown to people beside the number).</param>
    /// <param name="pairs">How many different-person pairs it was measured on.</param>
    public LikenessTable(IReadOnlyList<double> levels, IReadOnlyList<float> cosines, string population, long pairs)
    {
        if (levels.Count != cosines.Count || levels.Count < 2) throw new ArgumentException("a likeness table needs as many levels as cosines, at least 2");
        for (var i = 1; i < levels.Count; i++)
        {
            if (!(levels[i] > levels[i - 1])) throw new ArgumentException("likeness levels must increase");
            if (cosines[i] < cosines[i - 1]) throw new ArgumentException("likeness cosines must not decrease");
        }
        if (levels[0] < 0 || levels[^1] > 1) throw new ArgumentException("likeness levels must lie in [0, 1]");
        _levels = [.. levels];
        _cosines = [.. cosines];
        Population = population;
        Pairs = pairs;
    }

    /// <summary>Which pairs the distribution was measured on.</summary>
    public string Population { get; }
    /// <summary>How many different-person pairs it was measured on.</summary>
    public long Pairs { get; }
    /// <summary>The knots' cumulative shares, strictly increasing in [0, 1].</summary>
    public IReadOnlyList<double> Levels => _levels;
    /// <summary>The cosine at each knot, non-decreasing.</summary>
    public IReadOnlyList<float> Cosines => _cosines;

    /// <summary>The default knots: every half percent, then the tail (99.8 %, 99.9 %, 99.95 %, 99.99 %) and both ends.</summary>
    public static IReadOnlyList<double> DefaultLevels { get; } =
        [.. Enumerable.Range(0, 200).Select(i => i / 200.0), 0.996, 0.998, 0.999, 0.9995, 0.9999, 1.0];

    /// <summary>Share of reference different-person pairs less similar than <paramref name="cosine"/>, in [0, 1]; non-decreasing in the cosine.</summary>
    public double Likeness(float cosine)
    {
        if (float.IsNaN(cosine)) return double.NaN;
        if (cosine <= _cosines[0]) return cosine < _cosines[0] ? 0 : _levels[0];
        if (cosine >= _cosines[^1]) return 1;
        // Last knot at or below the cosine (ties: the highest level with that cosine, so flat stretches count fully).
        int lo = 0, hi = _cosines.Length - 1;
        while (hi - lo > 1)
        {
            var mid = (lo + hi) / 2;
            if (_cosines[mid] <= cosine) lo = mid; else hi = mid;
        }
        var span = _cosines[hi] - _cosines[lo];
        return span <= 0 ? _levels[lo] : _levels[lo] + (_levels[hi] - _levels[lo]) * (cosine - _cosines[lo]) / span;
    }

    /// <summary>The cosine at which the likeness reaches <paramref name="likeness"/> (the inverse, for legends and tests).</summary>
    public float CosineAt(double likeness)
    {
        likeness = Math.Clamp(likeness, _levels[0], _levels[^1]);
        var i = Array.BinarySearch(_levels, likeness);
        if (i >= 0) return _cosines[i];
        i = ~i;
        var t = (likeness - _levels[i - 1]) / (_levels[i] - _levels[i - 1]);
        return (float)(_cosines[i - 1] + t * (_cosines[i] - _cosines[i - 1]));
    }

    /// <summary>The table of an empirical distribution: the cosine at each level (nearest rank; level 0 = minimum, 1 = maximum).</summary>
    public static LikenessTable FromCosines(IEnumerable<float> differentPairCosines, string population, IReadOnlyList<double>? levels = null)
    {
        var sorted = differentPairCosines.Where(c => !float.IsNaN(c)).ToArray();
        if (sorted.Length < 2) throw new ArgumentException("a likeness table needs at least 2 different-person pairs");
        Array.Sort(sorted);
        levels ??= DefaultLevels;
        var cosines = levels.Select(l => sorted[(int)Math.Round(l * (sorted.Length - 1))]).ToList();
        return new LikenessTable(levels, cosines, population, sorted.Length);
    }

    /// <summary>The fewest identities and different-person pairs for <see cref="FromGallery"/>: below them the table says more about a few people than about strangers.</summary>
    public const int MinGalleryIdentities = 20, MinGalleryPairs = 10_000;

    /// <summary>
    /// The gallery's own distribution: cosines of pairs of faces of different gallery identities (all of them up to
    /// <paramref name="maxPairs"/>, else a seeded random sample). Null when the gallery is too small
    /// (<see cref="MinGalleryIdentities"/>, <see cref="MinGalleryPairs"/>).
    /// </summary>
    public static LikenessTable? FromGallery(IReadOnlyList<StoredFace> faces, string population, int maxPairs = 2_000_000, int seed = 1)
    {
        var identities = faces.Select(f => f.Identity).Distinct(StringComparer.Ordinal).Count();
        long n = faces.Count;
        var sameCount = faces.GroupBy(f => f.Identity, StringComparer.Ordinal).Sum(g => (long)g.Count() * (g.Count() - 1) / 2);
        var different = n * (n - 1) / 2 - sameCount;
        if (identities < MinGalleryIdentities || different < MinGalleryPairs) return null;
        var cosines = new List<float>((int)Math.Min(different, maxPairs));
        if (different <= maxPairs)
        {
            for (var i = 0; i < faces.Count; i++)
                for (var j = i + 1; j < faces.Count; j++)
                    if (faces[i].Identity != faces[j].Identity) cosines.Add(TensorPrimitives.Dot(faces[i].Embedding, faces[j].Embedding));
        }
        else
        {
            var random = new Random(seed);
            while (cosines.Count < maxPairs)
            {
                int i = random.Next(faces.Count), j = random.Next(faces.Count);
                if (faces[i].Identity == faces[j].Identity) continue;
                cosines.Add(TensorPrimitives.Dot(faces[i].Embedding, faces[j].Embedding));
            }
        }
        return FromCosines(cosines, population);
    }

    /// <summary>The table as JSON (levels rounded to 6 places, cosines to 4), as stored in a calibration file.</summary>
    public JsonObject ToJson() => new()
    {
        ["population"] = Population,
        ["pairs"] = Pairs,
        ["levels"] = new JsonArray([.. _levels.Select(l => (JsonNode)JsonValue.Create(Math.Round(l, 6)))]),
        ["cosines"] = new JsonArray([.. _cosines.Select(c => (JsonNode)JsonValue.Create(Math.Round(c, 4)))]),
    };

    /// <summary>Reads a table written by <see cref="ToJson"/>; throws <see cref="FormatException"/> when it is missing parts or not monotone.</summary>
    public static LikenessTable FromJson(JsonNode node)
    {
        var levels = node["levels"]?.AsArray().Select(v => v!.GetValue<double>()).ToList() ?? throw new FormatException("likeness: missing 'levels'");
        var cosines = node["cosines"]?.AsArray().Select(v => (float)v!.GetValue<double>()).ToList() ?? throw new FormatException("likeness: missing 'cosines'");
        try
        {
            return new LikenessTable(levels, cosines, node["population"]?.GetValue<string>() ?? "", node["pairs"]?.GetValue<long>() ?? 0);
        }
        catch (ArgumentException e)
        {
            throw new FormatException("likeness: " + e.Message, e);
        }
    }

    /// <summary>The population, pair count and the cosines at 50 % and 99 % likeness.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"likeness over {Pairs:N0} different-person pairs ({Population}): 50 % at cos {CosineAt(0.5):F3}, 99 % at {CosineAt(0.99):F3}");
}
