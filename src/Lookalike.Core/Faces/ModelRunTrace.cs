using System.Diagnostics;

namespace Lookalike.Faces;

/// <summary>
/// Records every model run the current thread makes while it is open (for `lookalike bench`'s stage breakdown and for
/// tests that count detector runs). When no trace is open a run costs one thread-static read more, nothing else.
/// </summary>
public sealed class ModelRunTrace : IDisposable
{
    /// <summary>The detector on the image itself (letterboxed).</summary>
    public const string DetectOnImage = "detect on image";
    /// <summary>The detector on the image centred on a larger grey canvas (frame-filling faces, retries).</summary>
    public const string DetectOnCanvas = "detect on padded canvas";
    /// <summary>The detector on the aligned 112x112 crop (the face check).</summary>
    public const string FaceCheck = "face check on aligned crop";
    /// <summary>The 68-point landmark model.</summary>
    public const string Landmarks = "landmarks";
    /// <summary>The embedding model (twice per face with flip-TTA).</summary>
    public const string Embedding = "embedding";

    [ThreadStatic] private static ModelRunTrace? t_current;
    private readonly ModelRunTrace? _outer;
    private readonly List<ModelRun> _runs = [];

    private ModelRunTrace(ModelRunTrace? outer) => _outer = outer;

    /// <summary>Opens a trace on the current thread (until disposed, on the same thread).</summary>
    public static ModelRunTrace Start() => t_current = new ModelRunTrace(t_current);

    /// <summary>The runs recorded so far, in order.</summary>
    public IReadOnlyList<ModelRun> Runs => _runs;

    /// <summary>How many runs of <paramref name="kind"/> were recorded.</summary>
    public int Count(string kind) => _runs.Count(r => r.Kind == kind);

    /// <summary>A timestamp to pass to <see cref="Record"/>, or 0 when no trace is open.</summary>
    internal static long Begin() => t_current is null ? 0 : Stopwatch.GetTimestamp();

    internal static void Record(string kind, long started)
    {
        if (started != 0 && t_current is { } trace) trace._runs.Add(new ModelRun(kind, Stopwatch.GetElapsedTime(started).TotalMilliseconds));
    }

    /// <summary>Closes the trace (the one open before it, if any, records again).</summary>
    public void Dispose()
    {
        if (ReferenceEquals(t_current, this)) t_current = _outer;
    }
}
