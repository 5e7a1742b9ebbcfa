namespace Lookalike.Models;

/// <summary>
/// Two embedders whose cosines are fused at the score level (<c>--model stock+dlib</c>): each face is embedded by both
/// and stored as one vector, the concatenation [√w·a, √(1−w)·b] of the two unit embeddings, so that the cosine of two
/// such vectors is w·cos_a + (1−w)·cos_b, a weighted sum of the two models' cosines (and of their calibrated logits,
/// which are linear in the cosine). Galleries, the exact and quantized indexes and the calibration work on it
/// unchanged, and both embeddings stay in the stored vector, so a gallery can be re-scored with another weight
/// without detecting again. Only fusions whose weight and calibration were fitted are offered (<see cref="Known"/>).
/// </summary>
/// <param name="Name">The name on the command line (<c>stock+dlib</c>).</param>
/// <param name="First">The first embedder's name (its vector comes first).</param>
/// <param name="Second">The second embedder's name.</param>
/// <param name="Weight">w, the first model's share of the fused cosine.</param>
/// <param name="Platt">The fused cosine's P(same) curve (slope, intercept).</param>
/// <param name="FittedOn">Where the weight and the curve were fitted.</param>
public sealed record FusedModel(string Name, string First, string Second, double Weight, (double Slope, double Intercept) Platt, string FittedOn)
{
    /// <summary>
    /// stock + dlib, the default model. The weight (logit share 0.65 for stock, cosine weight 0.224) is the one with the
    /// most pairs right at the verdict over the shared/data pair sets, chosen with the verdict it implies and by
    /// leave-one-set-out, so that no set's own figure picked the weight it is reported with (docs/measure/fusion-verdict.cs,
    /// docs/accuracy.md "Fusion"); the curve is fitted like the stock one on lfw-gray/pairs.csv +
    /// deepface-pairs/pairs_extra.csv; likeness and open-set references by docs/measure/stock-reference.cs.
    /// </summary>
    public static readonly FusedModel StockDlib = new("stock+dlib", ModelSpec.Stock, "dlib", 0.224, (55.393968, -42.580395),
        "shared/data lfw-gray/pairs.csv + deepface-pairs/pairs_extra.csv (pinned in FusedModel.cs)")
    {
        Likeness = StockDlibReference.Likeness,
        OpenSet = StockDlibReference.OpenSet,
    };

    /// <summary>The fused cosine's reference distribution of different-person cosines (likeness); null when none was measured.</summary>
    public LikenessTable? Likeness { get; init; }

    /// <summary>The fused cosine's fitted open-set likelihood ratio; null: derived from the pair curve.</summary>
    public OpenSetModel? OpenSet { get; init; }

    /// <summary>The fusions that can be chosen by name.</summary>
    public static IReadOnlyList<FusedModel> Known { get; } = [StockDlib];

    /// <summary>The fusion named <paramref name="name"/> (case-insensitive), or null.</summary>
    public static FusedModel? Find(string name) => Known.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The id stored with the fused embeddings: both models' ids and the weight.</summary>
    public string IdOf(string firstId, string secondId) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{firstId}+{secondId}@{Weight:0.###}");

    /// <summary>The fused vector's calibration under <paramref name="id"/>.</summary>
    public Calibration CalibrationFor(string id) => new(id, Platt.Slope, Platt.Intercept, FittedOn) { Likeness = Likeness, OpenSet = OpenSet };
}
