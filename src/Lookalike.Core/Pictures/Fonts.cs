using SkiaSharp;

namespace Lookalike.Pictures;

/// <summary>
/// Typefaces for captions. The SkiaSharp native build used here has no fontconfig, so the system's font files are
/// looked up by name (Debian: fonts-dejavu-core, fonts-noto-cjk for Japanese, Chinese and Korean names).
/// </summary>
public static class Fonts
{
    private static readonly string[] FontDirectories = ["/usr/share/fonts", "/usr/local/share/fonts", "/System/Library/Fonts", @"C:\Windows\Fonts"];
    private static readonly string[] LatinNames = ["DejaVuSans.ttf", "LiberationSans-Regular.ttf", "NotoSans-Regular.ttf", "arial.ttf", "Arial.ttf"];
    private static readonly Lazy<SKTypeface> s_latin = new(() => Load(LatinNames));
    private static readonly Lazy<SKTypeface> s_cjk = new(() => Load(["NotoSansCJK-Regular.ttc", "NotoSansCJKjp-Regular.otf", "NotoSansJP-Regular.otf", "ipag.ttf", "msgothic.ttc"]));

    /// <summary>The Latin font's file, for libraries (ScottPlot) that cannot find fonts without fontconfig either.</summary>
    public static string? LatinFile() => FontDirectories.Where(Directory.Exists)
        .SelectMany(dir => LatinNames.Select(name => Directory.EnumerateFiles(dir, name, SearchOption.AllDirectories).FirstOrDefault()))
        .FirstOrDefault(f => f is not null);

    private static SKTypeface Load(string[] names)
    {
        foreach (var dir in FontDirectories.Where(Directory.Exists))
        {
            foreach (var name in names)
            {
                var file = Directory.EnumerateFiles(dir, name, SearchOption.AllDirectories).FirstOrDefault();
                if (file is not null && SKTypeface.FromFile(file) is { } typeface) return typeface;
            }
        }
        return SKTypeface.Default;
    }

    /// <summary>A typeface that can draw <paramref name="text"/>: the Latin one, or the CJK one when the Latin lacks a glyph.</summary>
    public static SKTypeface For(string text)
    {
        using var latin = new SKFont(s_latin.Value);
        return latin.ContainsGlyphs(text) ? s_latin.Value : s_cjk.Value;
    }

    /// <summary>Draws <paramref name="text"/> with its left end at (<paramref name="x"/>, <paramref name="y"/>) (baseline), in a typeface that has its glyphs.</summary>
    public static void Draw(SKCanvas canvas, string text, float x, float y, float size, SKColor color)
    {
        using var font = new SKFont(For(text), size);
        using var paint = new SKPaint { Color = color, IsAntialias = true };
        canvas.DrawText(text, x, y, SKTextAlign.Left, font, paint);
    }
}
