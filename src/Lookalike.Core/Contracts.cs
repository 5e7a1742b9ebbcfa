using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Lookalike.Faces;
using Lookalike.Gallery;

namespace Lookalike;

/// <summary>
/// The JSON shapes shared by `lookalike ... --json` and the REST API, built in one place so the field names cannot drift apart.
/// </summary>
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

    private static double? Q(float quality) => float.IsNaN(quality) ? null : Math.Round(quality, 3);

    /// <summary>The JSON answer for one photo: every face in it with its top matches and their scores.</summary>
    /// <param name="photo">The photo's path (or upload name); null when it has none.</param>
    /// <param name="analysis">The photo's analysis (size, faces, faces too small).</param>
    /// <param name="results">Each usable face with its matches.</param>
    /// <param name="index">The search they came from (gallery size, open-set scores).</param>
    /// <param name="thumbnails">Include each face as a JPEG data: URL.</param>
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

    /// <summary>One face's JSON: box, detector score, crop source and quality, and its matches.</summary>
    /// <param name="f">The analysed face.</param>
    /// <param name="matches">Its matches, best first.</param>
    /// <param name="thumbnail">Include the aligned face as a JPEG data: URL.</param>
    /// <param name="trackId">Live mode: the face's track id; null otherwise.</param>
    public static FaceJson Face(Face f, IReadOnlyList<MatchJson> matches, bool thumbnail = false, int? trackId = null) =>
        new(BoxJson.From(f.Box), R4(f.Score), f.Source.ToString().ToLowerInvariant(), R4(f.CropScore), R4(f.Norm), Q(f.Quality), matches,
            thumbnail ? "data:image/jpeg;base64," + Convert.ToBase64String(f.Thumbnail) : null, trackId);

    /// <summary>The JSON answer for comparing two faces: similarity, probability, verdict, likeness.</summary>
    /// <param name="a">The first face.</param>
    /// <param name="pathA">Its photo's path; null when it has none.</param>
    /// <param name="b">The second face.</param>
    /// <param name="pathB">Its photo's path; null when it has none.</param>
    /// <param name="calibration">The model's calibration; the stock one when null.</param>
    /// <param name="prior">How likely "same" was beforehand (compare --prior); null: the calibration's own.</param>
    public static CompareResultJson Compare(Face a, string? pathA, Face b, string? pathB, Calibration? calibration = null, double? prior = null)
    {
        var similarity = Verification.Similarity(a, b);
        calibration ??= Calibration.Default;
        var probability = calibration.Probability(similarity, prior);
        return new(R4(similarity), Math.Round(probability, 4), prior is null ? calibration.Same(similarity) : probability >= Calibration.VerdictProbability,
            Math.Round(calibration.Threshold, 4), new CompareSideJson(pathA, BoxJson.From(a.Box), Q(a.Quality)), new CompareSideJson(pathB, BoxJson.From(b.Box), Q(b.Quality)),
            calibration.Likeness is { } l ? Math.Round(l.Likeness(similarity), 4) : null, prior);
    }

    /// <summary>The gallery's identities (with face and file counts) and its total face count, as `gallery list --json` and the API show them.</summary>
    public static GalleryListJson Gallery(IGalleryStore store)
    {
        var ids = store.Identities();
        return new([.. ids.Select(i => new IdentityJson(i.Identity, i.Faces, i.Files, i.FaceId))], ids.Sum(i => i.Faces));
    }

    /// <summary>One indexed file's outcome as JSON (outcome by its snake_case name).</summary>
    public static FileOutcomeJson File(FileRecord f) => new(f.Path, f.Identity, f.Outcome.Name(), f.Detail);
}
