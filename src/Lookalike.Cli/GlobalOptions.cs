using System.CommandLine;
using Lookalike.Gallery;
using Lookalike.Models;

namespace Lookalike.Cli;

/// <summary>The options every verb takes (recursive on the root), and the gallery store option the gallery verbs share.</summary>
internal static class GlobalOptions
{
    public static readonly Option<string?> ModelsDir = new("--models-dir")
    {
        Description = $"Model cache folder (default: ${ModelStore.EnvironmentVariable} or ~/.cache/lookalike/models)",
        Recursive = true,
    };

    public static readonly Option<int> Threads = new("--threads")
    {
        Description = "ONNX Runtime threads per model run (1 is fastest on 2 cores when images run in parallel)",
        DefaultValueFactory = _ => 1,
        Recursive = true,
    };

    public static readonly Option<bool> Json = new("--json") { Description = "Print one JSON object for scripts", Recursive = true };

    /// <summary>--model: which embedder every command runs (<see cref="ModelSpec"/>); galleries keep embeddings per model, never mixed.</summary>
    public static readonly Option<string?> Model = new("--model")
    {
        Description = "Embedder: stock+dlib (default: the stock and dlib embedders fused), stock (the stock embedder alone), stock+flip (flip-TTA), stock-int8 (the stock model quantised to int8 on first use, for comparison), a converted TFJS model installed by 'models fetch --model NAME' (dlib, faceres, faceres-deep, mobilefacenet), or a fine-tuned model (a folder from 'lookalike train', or its name under <models>/custom)",
        Recursive = true,
    };

    public static readonly Option<string?> Detector = new("--detector")
    {
        Description = "Face detector: ultraface (default, faceplugin's), blazeface (MediaPipe front, 128 px input) or blazeface256 (MediaPipe back, 256 px), for comparison",
        Recursive = true,
    };

    public static readonly Option<string?> Align = new("--align")
    {
        Description = "Face alignment: similarity (default, 5-point least squares) or affine3 (exact affine of eyes and nose, the faceplugin JS way), for comparison",
        Recursive = true,
    };

    public static IEnumerable<Option> All => [ModelsDir, Threads, Json, Model, Detector, Align];

    /// <summary>
    /// --store (alias --db): a SQLite file, or postgres://user:password@host:port/database for a PostgreSQL + pgvector
    /// gallery. Default: $LOOKALIKE_STORE, else gallery.db. A new option per verb (each verb describes it its way).
    /// </summary>
    public static Option<string> Store(string what = "Gallery store") => new("--store", "--db")
    {
        Description = $"{what}: a SQLite file or postgres://user:password@host:port/db (default: ${GalleryStore.EnvironmentVariable} or gallery.db)",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable(GalleryStore.EnvironmentVariable) is { Length: > 0 } s ? s : "gallery.db",
    };
}
