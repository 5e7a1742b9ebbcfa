namespace Lookalike.Evaluation;

/// <summary>Verification statistics of one list of scored pairs.</summary>
/// <param name="Threshold">The best-accuracy cosine threshold on these pairs (optimistic: chosen on the same pairs).</param>
/// <param name="Accuracy">Accuracy at <see cref="Threshold"/>.</param>
/// <param name="AccuracyAtDefault">Accuracy at <see cref="DefaultThreshold"/>: what a user gets without tuning.</param>
/// <param name="DefaultThreshold">The model's shipped verdict cosine (<see cref="Calibration.Threshold"/>).</param>
/// <param name="TarAtFar">FAR level → TAR, null where there are fewer than 1/FAR different pairs.</param>
/// <param name="AucCi">95% bootstrap interval of the AUC.</param>
/// <param name="AccuracyCi">95% bootstrap interval of the accuracy at <see cref="Threshold"/> (threshold held fixed).</param>
public sealed record VerificationResult(int Pairs, int Same, int Different, double Auc, double Eer, float Threshold, double Accuracy,
    double AccuracyAtDefault, float DefaultThreshold, IReadOnlyDictionary<double, double?> TarAtFar, Interval AucCi, Interval AccuracyCi,
    IReadOnlyList<RocPoint> Curve, IReadOnlyList<ScoredPair> Scores);

public static class VerificationEval
{
    /// <summary>The false accept rates TAR is reported at.</summary>
    public static readonly double[] FarLevels = [1e-1, 1e-2, 1e-3];

    /// <param name="verdictThreshold">The cosine the model's verdict uses (its <see cref="Calibration.Threshold"/>); the stock one when null.</param>
    public static VerificationResult Evaluate(IReadOnlyList<ScoredPair> scores, int resamples = Bootstrap.DefaultResamples, int seed = Bootstrap.DefaultSeed,
        float? verdictThreshold = null)
    {
        var (threshold, accuracy) = Roc.BestAccuracy(scores);
        var verdict = verdictThreshold ?? Verification.Threshold;
        return new VerificationResult(
            scores.Count, scores.Count(p => p.Same), scores.Count(p => !p.Same),
            Roc.Auc(scores), Roc.Eer(scores), threshold, accuracy, Roc.Accuracy(scores, verdict), verdict,
            FarLevels.ToDictionary(f => f, f => Roc.TarAtFar(scores, f)),
            Bootstrap.Interval(scores, Roc.Auc, resamples, seed),
            Bootstrap.Interval(scores, s => Roc.Accuracy(s, threshold), resamples, seed),
            Roc.Curve(scores), scores);
    }
}

/// <summary>
/// Identity → group (e.g. a demographic or a source) from a CSV with columns identity,group, to see whether accuracy
/// differs between groups. An image's identity is its folder name.
/// </summary>
public static class Groups
{
    /// <summary>Pairs whose two identities fall in different groups (always different-person pairs).</summary>
    public const string Cross = "(cross-group)";
    /// <summary>Identities the groups file does not name.</summary>
    public const string Unlisted = "(unlisted)";

    public static Dictionary<string, string> Read(string csvPath)
    {
        var lines = File.ReadAllLines(csvPath);
        if (lines.Length == 0) throw new FormatException($"{csvPath} is empty");
        var header = lines[0].Split(',').Select(h => h.Trim().ToLowerInvariant()).ToArray();
        int ii = Array.IndexOf(header, "identity"), ig = Array.IndexOf(header, "group");
        if (ii < 0 || ig < 0) throw new FormatException($"{csvPath}: header must name columns identity,group");
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in lines.Skip(1).Where(l => !string.IsNullOrWhiteSpace(l)))
        {
            var c = line.Split(',');
            map[c[ii].Trim()] = c[ig].Trim();
        }
        return map;
    }

    public static string IdentityOf(string imagePath) => Path.GetFileName(Path.GetDirectoryName(imagePath)) ?? "";

    public static string GroupOf(IReadOnlyDictionary<string, string> groups, string identity) =>
        groups.TryGetValue(identity, out var g) ? g : Unlisted;

    /// <summary>The scored pairs of each group: a pair belongs to a group when both its identities do, else to <see cref="Cross"/>.</summary>
    public static SortedDictionary<string, List<ScoredPair>> Split(IReadOnlyList<ImagePair> pairs, IReadOnlyList<ScoredPair> scores,
        IReadOnlyDictionary<string, string> groups)
    {
        var result = new SortedDictionary<string, List<ScoredPair>>(StringComparer.Ordinal);
        for (var i = 0; i < pairs.Count; i++)
        {
            string ga = GroupOf(groups, IdentityOf(pairs[i].A)), gb = GroupOf(groups, IdentityOf(pairs[i].B));
            var key = ga == gb ? ga : Cross;
            if (!result.TryGetValue(key, out var list)) result[key] = list = [];
            list.Add(scores[i]);
        }
        return result;
    }
}
