using System.Globalization;
using System.Text.Json.Nodes;
using Lookalike.Evaluation;

namespace Lookalike;

/// <summary>
/// The evidence one gallery identity's score gives that the query face is that person: the log likelihood ratio
/// ln[f(score | it is this person) / f(score | it is someone else)] = <see cref="Slope"/>·score + <see cref="Intercept"/>.
/// <see cref="OpenSetProbability"/> turns the ratios of all identities, the number of identities and the prior that
/// the person is in the gallery at all into P(this face is this identity).
/// </summary>
/// <param name="Slope">Slope of ln LR per unit of score (cosine).</param>
/// <param name="Intercept">ln LR at score 0.</param>
/// <param name="OnBestFace">True: the score is the identity's single best face cosine (<see cref="Search.IdentityMatch.BestSimilarity"/>);
/// false: the identity score <see cref="Search.IdentityMatch.Similarity"/> (mean of its best few faces).</param>
/// <param name="FittedOn">What it was fitted on (shown to people); empty when unknown.</param>
public sealed record OpenSetModel(double Slope, double Intercept, bool OnBestFace, string FittedOn)
{
    /// <summary>ln LR for <paramref name="score"/> (a cosine): above 0 favours "this is that person".</summary>
    public double LogLikelihoodRatio(float score) => Slope * score + Intercept;

    /// <summary>The score this model reads from a match.</summary>
    public float ScoreOf(Search.IdentityMatch m) => OnBestFace ? m.BestSimilarity : m.Similarity;

    /// <summary>
    /// Without a fitted model: the pair curve's likelihood ratio on the best face (its odds divided by the odds of
    /// same-person pairs it was fitted on). Measured on celebs-24 (docs/accuracy.md) it is usable but less sharp than a fit.
    /// </summary>
    public static OpenSetModel FromVerification(Calibration c) =>
        new(c.Slope, c.Intercept - Math.Log(c.SameShare / (1 - c.SameShare)), true, $"pair curve of {c.ModelId} ({c.FittedOn})");

    /// <summary>
    /// Fits the ratio by logistic regression on every (query, gallery identity) score, labelled by whether it is the
    /// query's identity, then removes the fitting set's odds of a right identity so that only the ratio remains.
    /// <paramref name="queries"/>: per query, every identity's score and whether it is that person (strangers: none is).
    /// </summary>
    public static OpenSetModel Fit(IEnumerable<IReadOnlyList<(float Score, bool Right)>> queries, string fittedOn, bool onBestFace = false)
    {
        var rows = queries.SelectMany(q => q.Select(s => new ScoredPair(s.Score, s.Right))).ToList();
        int right = rows.Count(r => r.Same), wrong = rows.Count - right;
        if (right == 0 || wrong == 0) throw new ArgumentException("an open-set fit needs queries whose identity is in the gallery and scores of other identities");
        var (a, b) = Logistic(rows);
        return new OpenSetModel(a, b - Math.Log((double)right / wrong), onBestFace, fittedOn);
    }

    /// <summary>Maximum-likelihood logistic regression of Same on Score: Newton steps, halved while the log-loss does not fall.</summary>
    internal static (double Slope, double Intercept) Logistic(IReadOnlyList<ScoredPair> rows)
    {
        double Loss(double a, double b) => rows.Sum(r =>
        {
            var t = a * r.Score + b;
            return (t > 0 ? t + Math.Log(1 + Math.Exp(-t)) : Math.Log(1 + Math.Exp(t))) - (r.Same ? t : 0);
        });
        double slope = 0, intercept = Math.Log(rows.Count(r => r.Same) / (double)rows.Count(r => !r.Same)), loss = Loss(slope, intercept);
        for (var iter = 0; iter < 100; iter++)
        {
            double g1 = 0, g2 = 0, h11 = 1e-9, h12 = 0, h22 = 1e-9;
            foreach (var r in rows)
            {
                var q = 1 / (1 + Math.Exp(-(slope * r.Score + intercept)));
                var d = q - (r.Same ? 1 : 0);
                var w = Math.Max(q * (1 - q), 1e-12);
                g1 += d * r.Score; g2 += d;
                h11 += w * r.Score * r.Score; h12 += w * r.Score; h22 += w;
            }
            var det = h11 * h22 - h12 * h12;
            double da = (h22 * g1 - h12 * g2) / det, db = (h11 * g2 - h12 * g1) / det;
            var step = 1.0;
            while (step > 1e-6 && Loss(slope - step * da, intercept - step * db) > loss) step /= 2;
            slope -= step * da; intercept -= step * db;
            var next = Loss(slope, intercept);
            if (loss - next < 1e-10 * Math.Max(1, Math.Abs(loss))) break;
            loss = next;
        }
        return (slope, intercept);
    }

    /// <summary>The model as JSON, as stored in a calibration file under <c>open_set</c>.</summary>
    public JsonObject ToJson() => new()
    {
        ["slope"] = Math.Round(Slope, 6),
        ["intercept"] = Math.Round(Intercept, 6),
        ["score"] = OnBestFace ? "best_similarity" : "similarity",
        ["fitted_on"] = FittedOn,
    };

    /// <summary>Reads a model written by <see cref="ToJson"/>; throws <see cref="FormatException"/> when slope or intercept is missing.</summary>
    public static OpenSetModel FromJson(JsonNode node) => new(
        node["slope"]?.GetValue<double>() ?? throw new FormatException("open_set: missing 'slope'"),
        node["intercept"]?.GetValue<double>() ?? throw new FormatException("open_set: missing 'intercept'"),
        node["score"]?.GetValue<string>() == "best_similarity",
        node["fitted_on"]?.GetValue<string>() ?? "");

    /// <summary>The fitted line, e.g. for `lookalike calibrate` output.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"ln LR = {Slope:F4}·{(OnBestFace ? "best cos" : "identity score")} + {Intercept:F4}");
}
