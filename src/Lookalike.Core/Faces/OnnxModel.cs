using Microsoft.ML.OnnxRuntime;

namespace Lookalike.Faces;

/// <summary>
/// One ONNX Runtime session with one input and one or more float outputs, created once and shared:
/// <see cref="Run"/> may be called from several threads at once.
/// </summary>
internal sealed class OnnxModel : IDisposable
{
    private readonly InferenceSession _session;
    // Kept in a field: a temporary RunOptions can be finalised during the native call and crash the process.
    private readonly RunOptions _runOptions = new();
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly long[] _inputShape;

    public OnnxModel(string path, int threads)
    {
        using var options = new SessionOptions
        {
            IntraOpNumThreads = Math.Max(1, threads),
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            // Warnings such as BlazeFace's unused initializers are noise on stderr; errors still show.
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        _session = new InferenceSession(path, options);
        _inputNames = [_session.InputNames[0]];
        _outputNames = [.. _session.OutputNames];
        _inputShape = [.. _session.InputMetadata[_inputNames[0]].Dimensions.Select(d => (long)d)];
        InputLength = (int)_inputShape.Aggregate(1L, (a, b) => a * b);
    }

    public int InputLength { get; }

    /// <summary>Runs the model on <paramref name="input"/> (length <see cref="InputLength"/>) and copies every output.</summary>
    public float[][] Run(float[] input)
    {
        if (input.Length != InputLength)
            throw new ArgumentException($"model input needs {InputLength} floats, got {input.Length}", nameof(input));
        using var value = OrtValue.CreateTensorValueFromMemory(input, _inputShape);
        using var outputs = _session.Run(_runOptions, _inputNames, [value], _outputNames);
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
