using System.Globalization;
using Lookalike.Gallery;
using SkiaSharp;

namespace Lookalike.Pictures;

/// <summary>Draws match results: per query face a row with the aligned query face and each match's gallery face.</summary>
public static class MatchPicture
{
    private const int Thumb = 112, Pad = 12, Caption = 56;

    /// <summary>
    /// Renders match results as PNG. Each match shows its gallery thumbnail, how alike (likeness) and the probability of the
    /// same person, and the identity's cosine score, green when the verdict is "same".
    /// </summary>
    /// <param name="results">Per query face, its matches; an empty list draws "no face found".</param>
    /// <param name="store">Where the gallery thumbnails come from.</param>
    /// <param name="calibration">Cosine → probability; null: <see cref="Calibration.Default"/>.</param>
    /// <param name="scores">Per face, each match's likeness and same-person probability (<see cref="MatchScores.Of"/>);
    /// null: the pair curve's probability, as before open-set probabilities.</param>
    public static byte[] Render(IReadOnlyList<FaceMatches> results, IGalleryStore store, Calibration? calibration = null, IReadOnlyList<MatchScore[]>? scores = null)
    {
        var columns = 1 + Math.Max(1, results.Count == 0 ? 1 : results.Max(r => r.Matches.Count));
        var rows = Math.Max(1, results.Count);
        var cell = Thumb + Pad;
        var width = Pad + columns * (cell + 40);
        var height = Pad + rows * (Thumb + Caption + Pad);
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.White);
            if (results.Count == 0) Fonts.Draw(canvas, "no face found", Pad, Pad + 20, 16, SKColors.Black);
            for (var r = 0; r < results.Count; r++)
            {
                var y = Pad + r * (Thumb + Caption + Pad);
                var x = (float)Pad;
                DrawJpeg(canvas, results[r].Face.Thumbnail, x, y);
                Fonts.Draw(canvas, $"face {r + 1}", x, y + Thumb + 16, 13, SKColors.Black);
                x += Thumb + 40 + Pad;
                for (var k = 0; k < results[r].Matches.Count; k++)
                {
                    var m = results[r].Matches[k];
                    if (store.Thumbnail(m.BestFaceId) is { } jpeg) DrawJpeg(canvas, jpeg, x, y);
                    Fonts.Draw(canvas, Shorten(m.Identity, 18), x, y + Thumb + 16, 13, SKColors.Black);
                    if (scores is not null && r < scores.Count && k < scores[r].Length)
                    {
                        var s = scores[r][k];
                        Fonts.Draw(canvas, MatchScores.Alike(s, m.BestSimilarity), x, y + Thumb + 32, 12, SKColors.Black);
                        Fonts.Draw(canvas, MatchScores.SamePerson(s), x, y + Thumb + 48, 12, s.Same ? new SKColor(0, 120, 0) : SKColors.DimGray);
                    }
                    else
                    {
                        var same = (calibration ?? Calibration.Default).Same(m.BestSimilarity);
                        Fonts.Draw(canvas, string.Create(CultureInfo.InvariantCulture, $"{(calibration ?? Calibration.Default).Probability(m.BestSimilarity):P0} · cos {m.Similarity:F2}"), x, y + Thumb + 32, 12, same ? new SKColor(0, 120, 0) : SKColors.DimGray);
                    }
                    x += Thumb + 40;
                }
            }
        }
        return Imaging.ImageLoader.EncodePng(bitmap);
    }

    private static string Shorten(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";

    private static void DrawJpeg(SKCanvas canvas, byte[] jpeg, float x, float y)
    {
        using var image = SKImage.FromEncodedData(jpeg);
        if (image is null) return;
        canvas.DrawImage(image, SKRect.Create(x, y, Thumb, Thumb), new SKSamplingOptions(SKFilterMode.Linear));
    }
}
