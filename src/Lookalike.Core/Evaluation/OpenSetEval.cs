using Lookalike.Gallery;
using Lookalike.Search;

namespace Lookalike.Evaluation;

/// <summary>One query of the open-set protocol: its top match, that match's probability, and whether it is right.</summary>
/// <param name="Path">The query photo.</param>
/// <param name="Identity">Its person's name.</param>
/// <param name="Member">The query's person is in the gallery (from --queries); false: a stranger (from --strangers).</param>
/// <param name="Top">The identity of the top match; null when the photo had no face (or the gallery none).</param>
/// <param name="Probability">Open-set probability (0–1) that the face is the top match; 0 without a face.</param>
/// <param name="Right">A member whose top match is its own identity; never true for a stranger.</param>
public readonly record struct OpenSetQuery(string Path, string Identity, bool Member, string? Top, double Probability, bool Right);

/// <summary>Open-set identification results (<see cref="OpenSetEval"/>).</summary>
/// <param name="Members">Member queries.</param>
/// <param name="Strangers">Stranger queries (after those in the gallery were left out).</param>
/// <param name="MembersNoFace">Member queries that showed nothing: no face (or an empty gallery).</param>
/// <param name="StrangersNoFace">Stranger queries that showed nothing: no face (or an empty gallery).</param>
/// <param name="GalleryIdentities">Identities in the gallery.</param>
/// <param name="Prior">The prior (0–1) that a query's person is in the gallery.</param>
/// <param name="DetectionAndIdentification">Per false-alarm rate (0.01, 0.1): the share of member queries whose top match is right
/// AND whose probability is above the threshold that lets through that share of strangers; null with too few strangers (fewer than 1/rate).</param>
/// <param name="StrangersShownAt50">Share of strangers whose top match reads at least 50 % same person.</param>
/// <param name="MembersRightAt50">Share of members named right at least 50 % same person.</param>
/// <param name="Rank1">Share of members whose top match is their own identity, whatever its probability; NaN without members.</param>
/// <param name="Ece">Calibration error of the top match's probability against "it is right", over members and strangers together (10 bins).</param>
/// <param name="Reliability">The reliability diagram behind <see cref="Ece"/> (10 equal-width bins of probability, empty ones left out).</param>
/// <param name="Queries">Every query, members then strangers.</param>
/// <param name="StrangersInGallery">Stranger photos left out because their identity name is also a gallery identity.</param>
public sealed record OpenSetResult(int Members, int Strangers, int MembersNoFace, int StrangersNoFace, int StrangersInGallery, int GalleryIdentities,
    double Prior, IReadOnlyDictionary<double, double?> DetectionAndIdentification, double StrangersShownAt50, double MembersRightAt50, double Rank1,
    double Ece, IReadOnlyList<ReliabilityBin> Reliability, IReadOnlyList<OpenSetQuery> Queries);

/// <summary>
/// The open-set protocol: a gallery, photos of people in it (members) and photos of people who are not (strangers),
/// scored exactly as `lookalike match` scores them (<see cref="FaceIndex"/>, <see cref="OpenSetProbability"/>). A query
/// without a face shows nothing: a member's miss, a stranger's correct rejection.
/// </summary>
public static class OpenSetEval
{
    /// <summary>The false-alarm rates (shares of strangers let through) at which detection-and-identification is reported: 1 % and 10 %.</summary>
    public static readonly double[] FalseAlarmRates = [0.01, 0.1];

    /// <summary>Runs the open-set protocol: indexes <paramref name="gallery"/>, scores every member and stranger photo against it and summarises.</summary>
    /// <param name="gallery">Labelled gallery photos.</param>
    /// <param name="members">Query photos of people in the gallery.</param>
    /// <param name="strangers">Query photos of people not in the gallery (those whose name is a gallery identity are left out).</param>
    /// <param name="embeddings">Where each photo's face embedding comes from.</param>
    /// <param name="calibration">Supplies the open-set model that turns scores into probabilities.</param>
    /// <param name="prior">The prior that a query's person is in the gallery at all (0–1).</param>
    public static OpenSetResult Evaluate(IReadOnlyList<LabelledImage> gallery, IReadOnlyList<LabelledImage> members, IReadOnlyList<LabelledImage> strangers,
        ImageEmbeddings embeddings, Calibration calibration, double prior = OpenSetProbability.DefaultPrior)
    {
        var faces = new List<StoredFace>();
        foreach (var g in gallery)
            if (embeddings[g.Path] is { } e) faces.Add(new StoredFace(faces.Count, g.Identity, g.Path, e));
        var index = new FaceIndex(faces, faces.Count > 0 ? faces[0].Embedding.Length : 512);
        var names = faces.Select(f => f.Identity).ToHashSet(StringComparer.Ordinal);
        var kept = strangers.Where(s => !names.Contains(s.Identity)).ToList();
        var queries = new List<OpenSetQuery>();
        foreach (var (q, member) in members.Select(m => (m, true)).Concat(kept.Select(s => (s, false))))
        {
            if (embeddings[q.Path] is not { } e || index.IdentityCount == 0)
            {
                queries.Add(new OpenSetQuery(q.Path, q.Identity, member, null, 0, false));
                continue;
            }
            var all = index.Search(e, index.IdentityCount);
            var model = calibration.Identification;
            var p = OpenSetProbability.Posterior(model, [.. all.Select(model.ScoreOf)], index.IdentityCount, prior);
            queries.Add(new OpenSetQuery(q.Path, q.Identity, member, all[0].Identity, p[0], member && all[0].Identity == q.Identity));
        }
        var m = queries.Where(q => q.Member).ToList();
        var s = queries.Where(q => !q.Member).ToList();
        var strangerP = s.Select(q => q.Probability).OrderDescending().ToList();
        var dir = FalseAlarmRates.ToDictionary(far => far, far =>
        {
            if (s.Count == 0 || m.Count == 0 || s.Count * far < 1) return (double?)null;
            // The highest threshold letting through at most far·strangers: members must score above it.
            var threshold = strangerP[(int)Math.Floor(far * s.Count)];
            return m.Count(q => q.Right && q.Probability > threshold) / (double)m.Count;
        });
        var bins = Reliability(queries);
        return new OpenSetResult(m.Count, s.Count, m.Count(q => q.Top is null), s.Count(q => q.Top is null), strangers.Count - kept.Count, index.IdentityCount, prior,
            dir, s.Count == 0 ? double.NaN : s.Count(q => q.Probability >= OpenSetProbability.SameAt) / (double)s.Count,
            m.Count == 0 ? double.NaN : m.Count(q => q.Right && q.Probability >= OpenSetProbability.SameAt) / (double)m.Count,
            m.Count == 0 ? double.NaN : m.Count(q => q.Right) / (double)m.Count,
            queries.Count == 0 ? double.NaN : bins.Sum(b => b.Count * Math.Abs(b.Observed - b.MeanProbability)) / queries.Count, bins, queries);
    }

    /// <summary>Queries binned by top-match probability (10 equal-width bins; empty ones left out): observed share right per bin.</summary>
    public static List<ReliabilityBin> Reliability(IReadOnlyList<OpenSetQuery> queries, int bins = 10) =>
        [.. queries.GroupBy(q => Math.Min(bins - 1, (int)(q.Probability * bins))).OrderBy(g => g.Key)
            .Select(g => new ReliabilityBin(g.Key / (double)bins, (g.Key + 1) / (double)bins, g.Count(), g.Average(q => q.Probability), g.Count(q => q.Right) / (double)g.Count()))];
}
