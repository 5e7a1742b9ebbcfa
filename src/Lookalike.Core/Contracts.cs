using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Lookalike.Faces;
using Lookalike.Gallery;

namespace Lookalike;

// The JSON shapes shared by `lookalike ... --json` and the REST API, so the field names cannot drift apart.

public sealed record BoxJson(double X, double Y, double Width, double Height)
{
    public static BoxJson From(Box b) => new(Math.Round(b.X, 1), Math.Round(b.Y, 1), Math.Round(b.Width, 1), Math.Round(b.Height, 1));
}

/// <param name="Probability">Open-set probability that the face is this identity, given every identity's score, the gallery's
/// size and the <c>prior</c> that the person is in the gallery (see OpenSetProbability).</param>
/// <param name="Same">The verdict: <see cref="Probability"/> at or above <see cref="OpenSetProbability.SameAt"/> (0.5).</param>
/// <param name="Likeness">Share of reference different-person pairs less similar than the best face (see LikenessTable); null when the model has no reference.</param>
public sealed record MatchJson(string Identity, double Similarity, double BestSimilarity, double Probability, bool Same, int GalleryFaces, long BestFaceId, string BestFacePath,
    double? Likeness = null);

/// <param name="Thumbnail">The aligned face as a JPEG data URL (web answers only).</param>
/// <param name="TrackId">In live mode: the same number while the face stays in view.</param>
public sealed record FaceJson(BoxJson Box, double Score, string Source, double CropScore, double Norm, IReadOnlyList<MatchJson> Matches,
    string? Thumbnail = null, int? TrackId = null);

public sealed record GallerySizeJson(int Faces, int Identities);

/// <param name="Reason">Why the list of faces is empty, when it is.</param>
/// <param name="Prior">The open-set prior used: the probability, before looking, that the person is in the gallery.</param>
public sealed record MatchResultJson(string? Photo, int Width, int Height, GallerySizeJson Gallery, double Threshold, IReadOnlyList<FaceJson> Faces, string? Reason,
    double Prior = OpenSetProbability.DefaultPrior);

public sealed record CompareSideJson(string? Path, BoxJson Box);

/// <param name="Likeness">Share of reference different-person pairs less similar than this pair; null when the model has no reference.</param>
/// <param name="Prior">The prior of "same" given with --prior; null: the calibration's own (its fitting pairs' share).</param>
public sealed record CompareResultJson(double Similarity, double Probability, bool Same, double Threshold, CompareSideJson A, CompareSideJson B,
    double? Likeness = null, double? Prior = null);

/// <param name="FaceId">One of its faces (for a thumbnail), null when it has none.</param>
public sealed record IdentityJson(string Identity, int Faces, int Files, long? FaceId);

public sealed record GalleryListJson(IReadOnlyList<IdentityJson> Identities, int Faces);

public sealed record FileOutcomeJson(string Path, string Identity, string Outcome, string? Detail);

public static class Contracts
{
    /// <summary>snake_case names, unescaped non-ASCII (Japanese names stay readable), every field always present.</summary>
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    private static double R4(float v) => Math.Round(v, 4);

    /// <param name="trackIds">Live mode: each result's track id, in order.</param>
    /// <param name="calibration">The model's calibration (the pipeline's); the stock one when null.</param>
    /// <param name="prior">The open-set prior that the person is in the gallery.</param>
    /// <param name="likeness">The likeness reference (e.g. the gallery's own); the calibration's when null.</param>
    public static MatchResultJson Match(string? photo, FaceAnalysis analysis, IReadOnlyList<FaceMatches> results, Search.IFaceSearch index,
        bool thumbnails = false, IReadOnlyList<int>? trackIds = null, Calibration? calibration = null,
        double prior = OpenSetProbability.DefaultPrior, LikenessTable? likeness = null)
    {
        calibration ??= Calibration.Default;
        return new(photo, analysis.Width, analysis.Height, new GallerySizeJson(index.Count, index.IdentityCount), Math.Round(calibration.Threshold, 4),
            [.. results.Select((r, i) =>
            {
                var scores = MatchScores.Of(index, r, calibration, prior, likeness);
                return Face(r.Face, r.Matches.Select((m, k) => new MatchJson(m.Identity, R4(m.Similarity), R4(m.BestSimilarity),
                    Math.Round(scores[k].Probability, 4), scores[k].Same, m.Faces, m.BestFaceId, m.BestFacePath,
                    scores[k].Likeness is { } l ? Math.Round(l, 4) : null)).ToList(), thumbnails, trackIds?[i]);
            })],
            results.Count > 0 ? null : analysis.TooSmall > 0 ? $"{analysis.TooSmall} face(s) too small to use" : "no face found", prior);
    }

    public static FaceJson Face(Face f, IReadOnlyList<MatchJson> matches, bool thumbnail = false, int? trackId = null) =>
        new(BoxJson.From(f.Box), R4(f.Score), f.Source.ToString().ToLowerInvariant(), R4(f.CropScore), R4(f.Norm), matches,
            thumbnail ? "data:image/jpeg;base64," + Convert.ToBase64String(f.Thumbnail) : null, trackId);

    /// <param name="prior">How likely "same" was beforehand (compare --prior); null: the calibration's own.</param>
    public static CompareResultJson Compare(Face a, string? pathA, Face b, string? pathB, Calibration? calibration = null, double? prior = null)
    {
        var similarity = Verification.Similarity(a, b);
        calibration ??= Calibration.Default;
        var probability = calibration.Probability(similarity, prior);
        return new(R4(similarity), Math.Round(probability, 4), prior is null ? calibration.Same(similarity) : probability >= Calibration.VerdictProbability,
            Math.Round(calibration.Threshold, 4), new CompareSideJson(pathA, BoxJson.From(a.Box)), new CompareSideJson(pathB, BoxJson.From(b.Box)),
            calibration.Likeness is { } l ? Math.Round(l.Likeness(similarity), 4) : null, prior);
    }

    public static GalleryListJson Gallery(IGalleryStore store)
    {
        var ids = store.Identities();
        return new([.. ids.Select(i => new IdentityJson(i.Identity, i.Faces, i.Files, i.FaceId))], ids.Sum(i => i.Faces));
    }

    public static FileOutcomeJson File(FileRecord f) => new(f.Path, f.Identity, f.Outcome.Name(), f.Detail);
}
