#!/usr/bin/env dotnet
#:project ../../src/Lookalike.Core/Lookalike.Core.csproj
// ONNX Runtime session settings for the stock models on this machine (issue #21 item 3): `dotnet run docs/measure/ort-settings.cs`.
// Per model: session creation from the .onnx (graph optimisation at load) against from an optimised copy written by
// ORT itself (OptimizedModelFilePath, loaded with optimisation off); and per-run time, 1 intra-op thread, with the
// memory arena and memory pattern on (the default) or off, and 2 intra-op threads with spinning on (default) or off.
// Settings are interleaved in rounds and each figure is the median over rounds, so the shared VM's drift hits all alike.
using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Lookalike.Models;

var store = new ModelStore();
store.Ensure(ModelStore.Faceplugin);
string[] models = ["fr_detect.onnx", "fr_landmark.onnx", "fr_feature.onnx"];
var tmp = Directory.CreateTempSubdirectory("ort-settings");
using var runOptions = new RunOptions();
const int Rounds = 7, Runs = 40;

SessionOptions Options(int threads, bool arena = true, bool pattern = true, bool spin = true, GraphOptimizationLevel level = GraphOptimizationLevel.ORT_ENABLE_ALL)
{
    var o = new SessionOptions
    {
        IntraOpNumThreads = threads, InterOpNumThreads = 1, ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
        GraphOptimizationLevel = level, EnableCpuMemArena = arena, EnableMemoryPattern = pattern,
        LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
    };
    if (!spin) o.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
    return o;
}

double Ms(Action a)
{
    var s = Stopwatch.GetTimestamp();
    a();
    return Stopwatch.GetElapsedTime(s).TotalMilliseconds;
}

foreach (var name in models)
{
    var path = Path.Combine(store.Directory, name);
    var optimised = Path.Combine(tmp.FullName, name + ".opt.onnx");
    using (var o = Options(1)) { o.OptimizedModelFilePath = optimised; using var _ = new InferenceSession(path, o); }

    // Session creation: from the .onnx with optimisation at load, against the optimised copy with optimisation off.
    var create = new Dictionary<string, List<double>> { ["load .onnx (optimise at load)"] = [], ["load optimised copy"] = [] };
    for (var r = 0; r < Rounds; r++)
    {
        using (var o = Options(1)) create["load .onnx (optimise at load)"].Add(Ms(() => new InferenceSession(path, o).Dispose()));
        using (var o = Options(1, level: GraphOptimizationLevel.ORT_DISABLE_ALL)) create["load optimised copy"].Add(Ms(() => new InferenceSession(optimised, o).Dispose()));
    }

    // Per run.
    var settings = new (string Name, Func<SessionOptions> Make)[]
    {
        ("1 thread, default (arena, pattern)", () => Options(1)),
        ("1 thread, arena off", () => Options(1, arena: false)),
        ("1 thread, memory pattern off", () => Options(1, pattern: false)),
        ("2 threads, spinning on (default)", () => Options(2)),
        ("2 threads, spinning off", () => Options(2, spin: false)),
    };
    var sessions = settings.Select(s => { using var o = s.Make(); return new InferenceSession(path, o); }).ToList();
    var input = sessions[0].InputMetadata.First();
    var shape = input.Value.Dimensions.Select(d => (long)Math.Max(1, d)).ToArray();
    var data = new float[shape.Aggregate(1L, (a, b) => a * b)];
    for (var i = 0; i < data.Length; i++) data[i] = (i * 7919 % 255) / 128f - 1;
    var runs = settings.ToDictionary(s => s.Name, _ => new List<double>());
    for (var r = 0; r < Rounds; r++)
        for (var k = 0; k < settings.Length; k++)
        {
            using var value = OrtValue.CreateTensorValueFromMemory(data, shape);
            var session = sessions[k];
            for (var w = 0; w < 3; w++) session.Run(runOptions, [input.Key], [value], session.OutputNames).Dispose();
            runs[settings[k].Name].Add(Ms(() =>
            {
                for (var i = 0; i < Runs; i++) session.Run(runOptions, [input.Key], [value], session.OutputNames).Dispose();
            }) / Runs);
        }
    sessions.ForEach(s => s.Dispose());

    double Median(List<double> v) => v.Order().ElementAt(v.Count / 2);
    Console.WriteLine($"{name} ({new FileInfo(path).Length / 1024} KB, input {string.Join('x', shape)})");
    var baseCreate = Median(create["load .onnx (optimise at load)"]);
    foreach (var (k, v) in create) Console.WriteLine($"  session: {k,-36} {Median(v),8:F1} ms  ({Median(v) / baseCreate:F2}x)");
    var baseRun = Median(runs[settings[0].Name]);
    foreach (var (k, v) in runs) Console.WriteLine($"  run:     {k,-36} {Median(v),8:F2} ms  ({Median(v) / baseRun:F2}x)");
}
tmp.Delete(true);
