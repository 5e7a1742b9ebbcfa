using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lookalike.Evaluation;

namespace Lookalike;

/// <summary>
/// P(same person | cosine) as a logistic curve, 1 / (1 + exp(-(Slope·cosine + Intercept))) (Platt scaling), fitted on
/// labelled pairs of one embedding model. A cosine is not a probability: the same cosine means different things for
/// different models, so a calibration is only valid for the <see cref="ModelId"/> it was fitted with.
/// The probability also carries the fitting set's share of same-person pairs as its prior (about half for the
/// default): it answers "of pairs like these, half of them same-person, how many at this cosine were the same person".
/// </summary>
public sealed record Calibration(string ModelId, double Slope, double Intercept, string FittedOn)
{
    /// <summary>
    /// Default for <c>faceplugin-fr_feature-0.0.1</c>, fitted (Newton, Platt targets) by
    /// <c>lookalike calibrate</c> on shared/data lfw-gray/pairs.csv + deepface-pairs/pairs_extra.csv (773 pairs, 374
    /// same). Expected calibration error on sets it was not fitted on: see docs/accuracy.md (deepface-pairs/pairs.csv,
    /// tight-crops/pairs.csv).
    /// </summary>
    public static Calibration Default { get; } = new("faceplugin-fr_feature-0.0.1", DefaultSlope, DefaultIntercept,
        "shared/data lfw-gray/pairs.csv + deepface-pairs/pairs_extra.csv")
    {
        Likeness = StockReference.Likeness,
        OpenSet = StockReference.OpenSet,
    };

    /// <summary>The share of same-person pairs in the fitting set: the prior the curve's probability carries (374 of 773 for the default).</summary>
    public double SameShare { get; init; } = 374.0 / 773.0;

    /// <summary>The model's reference distribution of different-person cosines (likeness); null when none was measured for it.</summary>
    public LikenessTable? Likeness { get; init; }

    /// <summary>The model's fitted open-set likelihood ratio; null: <see cref="Identification"/> derives one from the pair curve.</summary>
    public OpenSetModel? OpenSet { get; init; }

    /// <summary>What match probabilities use: <see cref="OpenSet"/>, else the pair curve's likelihood ratio.</summary>
    public OpenSetModel Identification => OpenSet ?? OpenSetModel.FromVerification(this);

    /// <summary>
    /// P(same | cosine) when "same" was <paramref name="prior"/> likely beforehand instead of <see cref="SameShare"/>
    /// (Bayes: the curve's odds times the ratio of the prior odds); null prior: <see cref="Probability(float)"/>.
    /// </summary>
    public double Probability(float cosine, double? prior)
    {
        if (prior is not { } p) return Probability(cosine);
        if (!(p is >= 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(prior), "the prior is a probability in [0, 1]");
        if (p is 0 or 1) return p;
        return 1 / (1 + Math.Exp(-(Slope * cosine + Intercept + Math.Log(p / (1 - p)) - Math.Log(SameShare / (1 - SameShare)))));
    }

    private const double DefaultSlope = 19.310857;
    private const double DefaultIntercept = -5.837142;

    /// <summary>Probability that two faces with this cosine are the same person.</summary>
    public double Probability(float cosine) => 1 / (1 + Math.Exp(-(Slope * cosine + Intercept)));

    /// <summary>
    /// The probability at which faces are called the same person, for every model: the stock model's at its
    /// <see cref="Verification.Threshold"/> cosine (0.43 → 0.922), so one verdict means the same thing whatever the
    /// model's cosine scale (dlib's cosines, for one, are about 0.9 for different people).
    /// </summary>
    public static double VerdictProbability => 1 / (1 + Math.Exp(-VerdictLogit));

    private const double VerdictLogit = DefaultSlope * Verification.Threshold + DefaultIntercept;

    /// <summary>
    /// This model's "same person" cosine: where its curve reaches <see cref="VerdictProbability"/> (0.43 for the stock
    /// calibration; above 1, i.e. never, for a model whose cosines cannot get there).
    /// </summary>
    public float Threshold => (float)Math.Round((VerdictLogit - Intercept) / Slope, 4);

    /// <summary>The verdict for a cosine: at or above <see cref="Threshold"/>.</summary>
    public bool Same(float cosine) => cosine >= Threshold;

    /// <summary>
    /// Fits slope and intercept by Newton's method on the log-loss, with Platt's smoothed targets
    /// ((n₊+1)/(n₊+2) and 1/(n₋+2)) so perfectly separated pairs still give a finite slope. Pass only pairs where both
    /// images had a face: a failure's -1 score says nothing about the cosine-to-probability curve.
    /// </summary>
    public static Calibration Fit(IReadOnlyList<ScoredPair> pairs, string modelId, string fittedOn)
    {
        int pos = pairs.Count(p => p.Same), neg = pairs.Count - pos;
        if (pos == 0 || neg == 0) throw new ArgumentException("calibration needs both same-person and different-person pairs");
        double hi = (pos + 1.0) / (pos + 2.0), lo = 1.0 / (neg + 2.0);
        double a = 0, b = Math.Log((pos + 1.0) / (neg + 1.0));
        for (var iter = 0; iter < 100; iter++)
        {
            double g1 = 0, g2 = 0, h11 = 0, h12 = 0, h22 = 0;
            foreach (var p in pairs)
            {
                var q = 1 / (1 + Math.Exp(-(a * p.Score + b)));
                var d = q - (p.Same ? hi : lo);
                var w = Math.Max(q * (1 - q), 1e-12);
                g1 += d * p.Score; g2 += d;
                h11 += w * p.Score * p.Score; h12 += w * p.Score; h22 += w;
            }
            h11 += 1e-9; h22 += 1e-9; // keeps the Hessian invertible when all scores are equal
            var det = h11 * h22 - h12 * h12;
            double da = (h22 * g1 - h12 * g2) / det, db = (h11 * g2 - h12 * g1) / det;
            a -= da; b -= db;
            if (Math.Abs(da) < 1e-10 && Math.Abs(db) < 1e-10) break;
        }
        return new Calibration(modelId, a, b, fittedOn) { SameShare = pos / (double)pairs.Count };
    }

    /// <summary>Pairs binned by predicted probability (equal-width bins over [0,1]); empty bins are left out.</summary>
    public List<ReliabilityBin> Reliability(IReadOnlyList<ScoredPair> pairs, int bins = 10)
    {
        var result = new List<ReliabilityBin>();
        var groups = pairs.GroupBy(p => Math.Min(bins - 1, (int)(Probability(p.Score) * bins))).OrderBy(g => g.Key);
        foreach (var g in groups)
            result.Add(new ReliabilityBin(g.Key / (double)bins, (g.Key + 1) / (double)bins, g.Count(),
                g.Average(p => Probability(p.Score)), g.Count(p => p.Same) / (double)g.Count()));
        return result;
    }

    /// <summary>Expected calibration error: the pair-weighted mean |observed same rate − mean predicted probability| over the bins.</summary>
    public double Ece(IReadOnlyList<ScoredPair> pairs, int bins = 10) =>
        pairs.Count == 0 ? double.NaN : Reliability(pairs, bins).Sum(b => b.Count * Math.Abs(b.Observed - b.MeanProbability)) / pairs.Count;

    /// <summary>Writes the calibration (with its likeness table and open-set model when present) as indented JSON to <paramref name="path"/>, for <see cref="Load"/>.</summary>
    public void Save(string path)
    {
        var json = new JsonObject
        {
            ["model_id"] = ModelId,
            ["slope"] = Slope,
            ["intercept"] = Intercept,
            ["fitted_on"] = FittedOn,
            ["same_share"] = Math.Round(SameShare, 6),
        };
        if (Likeness is not null) json["likeness"] = Likeness.ToJson();
        if (OpenSet is not null) json["open_set"] = OpenSet.ToJson();
        File.WriteAllText(path, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    /// <summary>Reads a file written by <see cref="Save"/> (`lookalike calibrate --out`).</summary>
    public static Calibration Load(string path)
    {
        var node = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new FormatException($"{path}: not a JSON object");
        string Str(string k) => node[k]?.GetValue<string>() ?? throw new FormatException($"{path}: missing '{k}'");
        double Num(string k) => node[k]?.GetValue<double>() ?? throw new FormatException($"{path}: missing '{k}'");
        return new Calibration(Str("model_id"), Num("slope"), Num("intercept"), node["fitted_on"]?.GetValue<string>() ?? "")
        {
            SameShare = node["same_share"]?.GetValue<double>() ?? 374.0 / 773.0,
            Likeness = node["likeness"] is { } l ? LikenessTable.FromJson(l) : null,
            OpenSet = node["open_set"] is { } o ? OpenSetModel.FromJson(o) : null,
        };
    }

    /// <summary>The fitted curve and its model, e.g. for `lookalike calibrate` output.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"P(same) = 1/(1+exp(-({Slope:F4}·cos + {Intercept:F4}))) for {ModelId}");
}
