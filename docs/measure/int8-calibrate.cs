#!/usr/bin/env dotnet
#:project ../../src/Lookalike.Core/Lookalike.Core.csproj
#:property PublishAot=false
// Activation ranges for the int8 stock embedder (issue #21 item 3): `dotnet run docs/measure/int8-calibrate.cs [shared/data] [out.json]`.
// Runs fr_feature.onnx, with every tensor OnnxQuantizer quantises added as an output, on the faces the pipeline finds
// and aligns in sets that have no verification pairs (celebs-24's gallery half, south-asian-celebs, jp-politicians),
// preprocessed as FaceEmbedder does ((v - 127) / 128, RGB, CHW), and writes each tensor's range (by default the mean
// over faces of each face's min and max; 'minmax' as third argument: the whole span seen, which lost more accuracy):
// src/Lookalike.Core/Models/fr_feature-int8-ranges.json, which `--model stock-int8` quantises with.
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Lookalike.Faces;
using Lookalike.Imaging;
using Lookalike.Models;

var data = args.Length > 0 ? args[0] : Path.Combine("..", "shared", "data");
var output = args.Length > 1 ? args[1] : Path.Combine("src", "Lookalike.Core", "Models", "fr_feature-int8-ranges.json");
var store = new ModelStore();
store.Ensure(ModelStore.Faceplugin);
var model = File.ReadAllBytes(store.PathOf(ModelStore.Faceplugin.Files[2]));
var tensors = OnnxQuantizer.Activations(model);
using var session = new InferenceSession(OnnxQuantizer.CalibrationModel(model), new SessionOptions { IntraOpNumThreads = 1 });
using var pipeline = new FacePipeline(store);

var celebs = File.ReadLines(Path.Combine(data, "celebs-24", "split.csv")).Skip(1).Select(l => l.Split(','))
    .Where(c => c[2] == "gallery").Select(c => Path.Combine(data, "celebs-24", c[0]));
var others = new[] { "south-asian-celebs", "jp-politicians" }
    .SelectMany(s => Directory.EnumerateFiles(Path.Combine(data, s, "images"), "*", SearchOption.AllDirectories)).Order(StringComparer.Ordinal);
var files = celebs.Concat(others).ToList();

var min = tensors.ToDictionary(t => t, _ => new List<float>());
var max = tensors.ToDictionary(t => t, _ => new List<float>());
var faces = 0;
foreach (var file in files)
{
    using var image = ImageLoader.Load(file);
    var face = pipeline.Analyze(image).Largest;
    if (face is null) continue;
    using var aligned = FaceAligner.Align(image, face.FivePoints);
    var px = aligned.GetPixelSpan();
    var plane = 112 * 112;
    var input = new float[3 * plane];
    for (var i = 0; i < plane; i++)
        for (var c = 0; c < 3; c++) input[c * plane + i] = (px[4 * i + c] - 127f) / 128f;
    Observe("input", input);
    using var results = session.Run([NamedOnnxValue.CreateFromTensor("input", new DenseTensor<float>(input, [1, 3, 112, 112]))]);
    foreach (var r in results)
        if (min.ContainsKey(r.Name)) Observe(r.Name, r.AsTensor<float>().ToArray());
    faces++;
}

void Observe(string name, float[] values)
{
    min[name].Add(values.Min());
    max[name].Add(values.Max());
}

// The range: the whole span seen ("minmax"), or the mean over faces of each face's own extremes ("mean", as
// onnxruntime.quantization's moving-average calibration: an outlier face no longer stretches the scale for all).
var method = args.Length > 2 ? args[2] : "mean";
var ranges = tensors.ToDictionary(t => t, t => method == "mean" ? new[] { min[t].Average(), max[t].Average() } : new[] { min[t].Min(), max[t].Max() });
File.WriteAllText(output, JsonSerializer.Serialize(new { model = "fr_feature.onnx", method, faces, files = files.Count, ranges }, new JsonSerializerOptions { WriteIndented = true }) + "\n");
Console.WriteLine($"{faces} faces of {files.Count} files, {tensors.Count} tensors -> {output}");
