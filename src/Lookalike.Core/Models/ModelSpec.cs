using Lookalike.Faces;

namespace Lookalike.Models;

/// <summary>
/// A model combination as the user names it (<c>--model</c>, <c>--compare</c>, the web app's model):
/// <c>EMBEDDER[+flip][@DETECTOR][~ALIGNMENT]</c>, e.g. <c>stock</c>, <c>stock+flip</c>, <c>my-model@blazeface</c>,
/// <c>stock~affine3</c>, <c>dlib@blazeface256~affine3</c>. The one parser of that grammar: the CLI, the embedder
/// resolution (<see cref="EmbedderChoice.Resolve(ModelStore, ModelSpec, Action{string})"/>) and the trainer all read names through it.
/// </summary>
/// <param name="Embedder">
/// <c>stock</c> (also <c>faceplugin</c> or the stock id), a folder with model.json (from <c>lookalike train</c>), or the
/// name of such a folder under <c>&lt;models folder&gt;/custom/</c> (where converted TFJS models are installed).
/// </param>
/// <param name="Flip">Flip test-time augmentation (<c>+flip</c>).</param>
/// <param name="Detector">The detector after <c>@</c>; null when the name has none (then <c>--detector</c> decides).</param>
/// <param name="Alignment">The alignment after <c>~</c>; null when the name has none (then <c>--align</c> decides).</param>
public sealed record ModelSpec(string Embedder, bool Flip = false, DetectorChoice? Detector = null, Alignment? Alignment = null)
{
    /// <summary>The stock embedder's name.</summary>
    public const string Stock = "stock";

    /// <summary>
    /// The default embedder's name: the stock embedder fused with dlib (<see cref="FusedModel.StockDlib"/>), which
    /// measured best on the shared sets (docs/accuracy.md "Models compared", "Fusion").
    /// </summary>
    public const string DefaultName = "stock+dlib";

    /// <summary>The int8 copy of the stock embedder, quantised locally from the stock model (for comparison: slower and less accurate here, see README "Speed").</summary>
    public const string StockInt8 = Models.StockInt8.Name;

    private const string FlipSuffix = "+flip";

    /// <summary>The default embedder, <see cref="DefaultName"/> (no flip, detector and alignment left to the options).</summary>
    public static ModelSpec Default { get; } = new(DefaultName);

    /// <summary>True for the stock embedder under any of its names.</summary>
    public bool IsStock => Embedder is Stock or "faceplugin" or FaceEmbedder.Id;

    /// <summary>True for the int8 copy of the stock embedder (<c>stock-int8</c>, made locally from the stock model on first use).</summary>
    public bool IsStockInt8 => Embedder is StockInt8 or Models.StockInt8.Id;

    /// <summary>The embedder part as typed for messages and <see cref="EmbedderChoice.Name"/>: <c>NAME</c> or <c>NAME+flip</c>.</summary>
    public string EmbedderName => Flip ? Embedder + FlipSuffix : Embedder;

    /// <summary>
    /// Parses a model name. Empty or null, or a name without an embedder (<c>@blazeface</c>), is <paramref name="defaultEmbedder"/>. The alignment is split off at the last <c>~</c>,
    /// then the detector at the last <c>@</c>, then a <c>+flip</c> suffix (any case) from the embedder.
    /// </summary>
    /// <exception cref="FormatException">An unknown detector or alignment name (the message lists the known ones).</exception>
    /// <param name="text">The name as typed.</param>
    /// <param name="defaultEmbedder">The embedder when the name has none (<see cref="DefaultName"/>; a command that
    /// works on one graph, like training, passes <see cref="Stock"/>).</param>
    public static ModelSpec Parse(string? text, string defaultEmbedder = DefaultName)
    {
        if (string.IsNullOrWhiteSpace(text)) return new ModelSpec(defaultEmbedder);
        var rest = text.Trim();
        Alignment? alignment = null;
        if (rest.LastIndexOf('~') is var tilde and >= 0)
        {
            alignment = ParseAlignment(rest[(tilde + 1)..]);
            rest = rest[..tilde];
        }
        DetectorChoice? detector = null;
        if (rest.LastIndexOf('@') is var at and >= 0)
        {
            detector = ParseDetector(rest[(at + 1)..]);
            rest = rest[..at];
        }
        rest = rest.Trim();
        var flip = rest.EndsWith(FlipSuffix, StringComparison.OrdinalIgnoreCase);
        if (flip) rest = rest[..^FlipSuffix.Length];
        return new ModelSpec(rest.Length == 0 ? defaultEmbedder : rest, flip, detector, alignment);
    }

    /// <summary>A detector name (<c>--detector</c> or after <c>@</c>); empty or null is the default, UltraFace.</summary>
    /// <exception cref="FormatException">An unknown name.</exception>
    public static DetectorChoice ParseDetector(string? name) => name?.ToLowerInvariant() switch
    {
        null or "" or "ultraface" or "faceplugin" => DetectorChoice.UltraFace,
        "blazeface" => DetectorChoice.BlazeFace,
        "blazeface256" => DetectorChoice.BlazeFace256,
        _ => throw new FormatException($"unknown detector '{name}': use ultraface (default), blazeface or blazeface256"),
    };

    /// <summary>An alignment name (<c>--align</c> or after <c>~</c>); empty or null is the default, similarity.</summary>
    /// <exception cref="FormatException">An unknown name.</exception>
    public static Alignment ParseAlignment(string? name) => name?.ToLowerInvariant() switch
    {
        null or "" or "similarity" => Faces.Alignment.Similarity,
        "affine3" => Faces.Alignment.Affine3,
        _ => throw new FormatException($"unknown alignment '{name}': use similarity (default) or affine3"),
    };

    /// <summary>The detector's name as <see cref="ParseDetector"/> reads it.</summary>
    public static string NameOf(DetectorChoice detector) => detector switch
    {
        DetectorChoice.BlazeFace => "blazeface",
        DetectorChoice.BlazeFace256 => "blazeface256",
        _ => "ultraface",
    };

    /// <summary>The alignment's name as <see cref="ParseAlignment"/> reads it.</summary>
    public static string NameOf(Alignment alignment) => alignment == Faces.Alignment.Affine3 ? "affine3" : "similarity";

    /// <summary>
    /// The model folder this embedder names, if any: the path itself, else <c>&lt;models folder&gt;/custom/NAME</c>,
    /// whichever holds a model.json first; null when neither does (or for the stock embedder).
    /// </summary>
    public string? FindFolder(string modelsDirectory)
    {
        if (IsStock) return null;
        foreach (var dir in new[] { Embedder, Path.Combine(modelsDirectory, "custom", Embedder) })
            if (File.Exists(Path.Combine(dir, "model.json"))) return dir;
        return null;
    }

    /// <summary>The canonical text, which <see cref="Parse"/> reads back to an equal spec.</summary>
    public override string ToString() =>
        EmbedderName + (Detector is { } d ? "@" + NameOf(d) : "") + (Alignment is { } a ? "~" + NameOf(a) : "");
}
