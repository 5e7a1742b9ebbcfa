#!/usr/bin/env dotnet
#:project ../../src/Lookalike.Core/Lookalike.Core.csproj
#:property PublishAot=false
// Per-run time of the int8 stock embedder against the float one (issue #21 item 3): `dotnet run docs/measure/int8-speed.cs`.
// One intra-op thread each, the same real aligned face, rounds interleaved (float then int8) so the shared VM's drift
// hits both alike; each figure is the median over rounds of the mean of a round's runs. Also: cosine of the two embeddings.
using System.Diagnostics;
using System.Numerics.Tensors;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Lookalike.Faces;
using Lookalike.Imaging;
using Lookalike.Models;

var store = new ModelStore();
store.Ensure(ModelStore.Faceplugin);
var int8Path = EmbedderChoice.Resolve(store, "stock-int8").Path;
var photo = args.Length > 0 ? args[0] : Path.Combine("..", "shared", "data", "deepface-pairs", "images");
if (Directory.Exists(photo)) photo = Directory.EnumerateFiles(photo, "*.jpg", SearchOption.AllDirectories).Order(StringComparer.Ordinal).First();
using var pipeline = new FacePipeline(store);
using var image = ImageLoader.Load(photo);
var face = pipeline.Analyze(image).Largest ?? throw new InvalidOperationException($"no face in {photo}");
using var aligned = FaceAligner.Align(image, face.FivePoints);
var px = aligned.GetPixelSpan();
var input = new float[3 * 112 * 112];
for (var i = 0; i < 112 * 112; i++)
    for (var c = 0; c < 3; c++) input[c * 112 * 112 + i] = (px[4 * i + c] - 127f) / 128f;

InferenceSession Open(string path) => new(path, new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1, LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR });
using var fp32 = Open(store.PathOf(ModelStore.Faceplugin.Files[2]));
using var int8 = Open(int8Path);
var tensor = new DenseTensor<float>(input, [1, 3, 112, 112]);
float[] Run(InferenceSession s)
{
    using var r = s.Run([NamedOnnxValue.CreateFromTensor("input", tensor)]);
    return r[0].AsTensor<float>().ToArray();
}
Console.WriteLine($"{photo}: cosine int8 vs fp32 {TensorPrimitives.CosineSimilarity(Run(fp32), Run(int8)):F5}");
const int Rounds = 9, Runs = 60;
var times = new Dictionary<string, List<double>> { ["fp32"] = [], ["int8"] = [] };
for (var round = 0; round < Rounds; round++)
    foreach (var (name, session) in new[] { ("fp32", fp32), ("int8", int8) })
    {
        for (var i = 0; i < 5; i++) Run(session);
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < Runs; i++) Run(session);
        times[name].Add(sw.Elapsed.TotalMilliseconds / Runs);
    }
double Median(List<double> v) => v.Order().ElementAt(v.Count / 2);
var (f, q) = (Median(times["fp32"]), Median(times["int8"]));
Console.WriteLine($"per run, 1 thread, median of {Rounds} rounds x {Runs}: fp32 {f:F2} ms, int8 {q:F2} ms, int8 is {f / q:F2}x faster");
