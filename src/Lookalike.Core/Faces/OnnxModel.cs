using System.Collections.Concurrent;
using Microsoft.ML.OnnxRuntime;

namespace Lookalike.Faces;

/// <summary>
/// One ONNX Runtime session with one input and one or more float outputs, created once and shared:
/// <see cref="Run(float[], CancellationToken)"/> may be called from several threads at once.
/// </summary>
internal sealed class OnnxModel : IDisposable
{
    private readonly InferenceSession _session;
    // Kept in a field: a temporary RunOptions can be finalised during the native call and crash the process.
    private readonly RunOptions _runOptions = new();
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly long[] _inputShape;
    private readonly string _kind;

    /// <param name="path">The .onnx file.</param>
    /// <param name="threads">Intra-op threads.</param>
    /// <param name="kind">What a run is for in a <see cref="ModelRunTrace"/> unless the caller says otherwise.</param>
    public OnnxModel(string path, int threads, string kind = "model")
    {
        _kind = kind;
        using var options = new SessionOptions
        {
            IntraOpNumThreads = Math.Max(1, threads),
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            // Warnings such as BlazeFace's unused initializers are noise on stderr; errors still show.
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        _session = Load(path, options);
        _inputNames = [_session.InputNames[0]];
        _outputNames = [.. _session.OutputNames];
        _inputShape = [.. _session.InputMetadata[_inputNames[0]].Dimensions.Select(d => (long)d)];
        InputLength = (int)_inputShape.Aggregate(1L, (a, b) => a * b);
    }

    public int InputLength { get; }

    /// <summary>How many PRelu nodes were rewritten as Max(x, slope·x) at load (<see cref="Models.PreluAsMax"/>).</summary>
    internal int PreluRewritten { get; private set; }

    /// <summary>The session for the model at <paramref name="path"/>, its PRelu nodes rewritten as an exact, faster Max.</summary>
    private InferenceSession Load(string path, SessionOptions options)
    {
        byte[] model;
        try
        {
            (model, PreluRewritten) = Models.PreluAsMax.Rewrite(File.ReadAllBytes(path));
        }
        catch (InvalidDataException)
        {
            return new InferenceSession(path, options); // not a graph we can read: ONNX Runtime says what is wrong with it
        }
        return new InferenceSession(model, options);
    }

    // Input tensors are 0.15-0.9 MB (large-object heap): a fresh one per run cost more than the detector's own run on
    // this VM (first-touch page faults, 7 ms of a 10 ms letterbox, `bench --breakdown`), so each is reused.
    private readonly ConcurrentBag<float[]> _inputs = [];

    /// <summary>An input buffer of <see cref="InputLength"/> floats, contents undefined: the caller writes every element,
    /// runs, and hands it back with <see cref="Return"/>.</summary>
    public float[] RentInput() => _inputs.TryTake(out var input) ? input : new float[InputLength];

    /// <summary>Hands back a buffer from <see cref="RentInput"/> (at most one per concurrent caller is kept).</summary>
    public void Return(float[] input) => _inputs.Add(input);

    /// <summary>How many runs this model has started (tests count the work a cancelled analysis did).</summary>
    internal long Runs => Interlocked.Read(ref _runs);
    private long _runs;

    /// <summary>Runs the model on <paramref name="input"/> (length <see cref="InputLength"/>) and copies every output.</summary>
    /// <param name="cancellation">Checked before the run; cancelling it during the run sets <see cref="RunOptions.Terminate"/>
    /// on this call's own options, which stops ONNX Runtime between kernels (other callers' runs are untouched).</param>
    /// <exception cref="OperationCanceledException">cancelled before or during the run.</exception>
    /// <param name="input">The flattened input tensor.</param>
    public float[][] Run(float[] input, CancellationToken cancellation = default) => Run(input, _kind, cancellation);

    /// <summary>As <see cref="Run(float[], CancellationToken)"/>, recorded in an open <see cref="ModelRunTrace"/> as <paramref name="kind"/>.</summary>
    public float[][] Run(float[] input, string kind, CancellationToken cancellation = default)
    {
        var started = ModelRunTrace.Begin();
        var outputs = RunCancellable(input, cancellation);
        ModelRunTrace.Record(kind, started);
        return outputs;
    }

    private float[][] RunCancellable(float[] input, CancellationToken cancellation)
    {
        if (input.Length != InputLength)
            throw new ArgumentException($"model input needs {InputLength} floats, got {input.Length}", nameof(input));
        cancellation.ThrowIfCancellationRequested();
        Interlocked.Increment(ref _runs);
        if (!cancellation.CanBeCanceled) return Run(input, _runOptions);
        // Per call: Terminate on the shared options would stop every concurrent run. Disposed in reverse order, so the
        // registration is gone (its callback finished) before the options are freed.
        using var runOptions = new RunOptions();
        using var registration = cancellation.Register(static o => ((RunOptions)o!).Terminate = true, runOptions);
        try
        {
            return Run(input, runOptions);
        }
        catch (OnnxRuntimeException) when (cancellation.IsCancellationRequested)
        {
            throw new OperationCanceledException("the model run was terminated", cancellation);
        }
    }

    private float[][] Run(float[] input, RunOptions runOptions)
    {
        using var value = OrtValue.CreateTensorValueFromMemory(input, _inputShape);
        using var outputs = _session.Run(runOptions, _inputNames, [value], _outputNames);
        var result = new float[outputs.Count][];
        for (var i = 0; i < outputs.Count; i++) result[i] = outputs[i].GetTensorDataAsSpan<float>().ToArray();
        return result;
    }

    public void Dispose()
    {
        _session.Dispose();
        _runOptions.Dispose();
    }
}
