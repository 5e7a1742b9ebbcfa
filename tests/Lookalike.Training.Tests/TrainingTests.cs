using System.Security.Cryptography;
using System.Text.Json;
using Lookalike.Faces;
using Lookalike.Pictures;
using Lookalike.Training.Onnx;
using SkiaSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace Lookalike.Training.Tests;

[Collection(TrainingCollection.Name)]
public sealed class GraphImportTests(TrainingFixture fx)
{
    [Fact]
    public void Graph_has_the_ops_and_shapes_of_the_stock_embedder()
    {
        Assert.Equal(["Add", "Conv", "PRelu", "Reshape"], fx.Graph.Nodes.Select(n => n.OpType).Distinct().Order());
        Assert.Equal(["input"], fx.Graph.Inputs);
        Assert.Equal(["output"], fx.Graph.Outputs);
        // Every Conv carries a bias: BatchNormalization was folded in at export.
        Assert.All(fx.Graph.Nodes.Where(n => n.OpType == "Conv"), n => Assert.Equal(3, n.Inputs.Length));
        using var net = new OnnxNet(fx.Graph);
        Assert.Equal(1_190_336, net.parameters().Sum(p => p.numel()));
    }

    [Fact]
    public void TorchSharp_graph_matches_OnnxRuntime_on_real_aligned_crops()
    {
        Assert.True(fx.Mixed.Count >= 10, $"expected at least 10 aligned crops, got {fx.Mixed.Count}");
        using var net = new OnnxNet(fx.Graph);
        net.eval();
        using var ort = new FaceEmbedder(fx.StockOnnx);
        var maxDiff = 0f;
        foreach (var face in fx.Mixed.Concat(fx.JpSample.Take(4)))
        {
            using var bitmap = face.ToBitmap();
            var expected = ort.Embed(bitmap);
            float[] actual;
            using (no_grad())
            using (var x = FaceData.Batch([face.Rgba]))
            using (var y = net.forward(x))
                actual = y.data<float>().ToArray();
            Assert.Equal(512, actual.Length);
            maxDiff = Math.Max(maxDiff, expected.Zip(actual).Max(p => Math.Abs(p.First - p.Second)));
        }
        Assert.True(maxDiff < 1e-4f, $"max abs difference {maxDiff} on the raw 512-d output");
        TestContext.Current.SendDiagnosticMessage($"max abs difference TorchSharp vs ONNX Runtime: {maxDiff:E2}");
    }

    [Fact]
    public void Batched_forward_gives_the_same_rows_as_single_faces()
    {
        using var net = new OnnxNet(fx.Graph);
        net.eval();
        var crops = fx.Mixed.Take(4).Select(f => f.Rgba).ToList();
        var batched = FaceData.Embed(net, crops, batch: 4);
        var single = crops.Select(c => FaceData.Embed(net, [c])[0]).ToList();
        for (var i = 0; i < crops.Count; i++)
            Assert.True(batched[i].Zip(single[i]).Max(p => Math.Abs(p.First - p.Second)) < 1e-5f);
    }
}

[Collection(TrainingCollection.Name)]
public sealed class TrainingStepTests(TrainingFixture fx)
{
    [Fact]
    public void A_few_ArcFace_steps_lower_the_training_loss_and_leave_frozen_layers_alone()
    {
        using var net = new OnnxNet(fx.Graph);
        var options = new TrainOptions { FreezeUntil = "Add_32", Margin = 0.5, BatchSize = 16 };
        var trainer = new Trainer(net, options);
        var faces = fx.SouthAsian;
        var ids = faces.Select(f => f.Identity).Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.Equal(4, ids.Count);
        manual_seed(1);
        var trainable = net.FreezeUntil(options.FreezeUntil);
        Assert.InRange(trainable, 100_000, 1_190_335); // some, not all
        var frozen = net.GraphParameters().First().Parameter; // Conv_0 weight
        Assert.False(frozen.requires_grad);
        var frozenBefore = frozen.detach().clone();
        var trainedParam = net.GraphParameters().Last().Parameter;
        var trainedBefore = trainedParam.detach().clone();

        using var head = new ArcFaceHead(trainer.ClassCentres(faces, ids), options.Scale, options.Margin);
        net.eval();
        var before = trainer.Loss(faces, ids, head);
        using var optimizer = optim.Adam(net.parameters().Where(p => p.requires_grad), 1e-4);
        using var headOptimizer = optim.Adam(head.parameters(), 1e-2);
        var label = ids.Select((id, i) => (id, i)).ToDictionary(x => x.id, x => (long)x.i);
        net.train();
        for (var step = 0; step < 4; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            headOptimizer.zero_grad();
            var batch = faces.Where((_, i) => i % 4 == step % 4 || i % 4 == (step + 2) % 4).ToList(); // half the faces per step
            var loss = head.Loss(net.forward(FaceData.Batch(batch.Select(f => f.Rgba))), tensor(batch.Select(f => label[f.Identity]).ToArray()));
            loss.backward();
            optimizer.step();
            headOptimizer.step();
        }
        net.eval();
        var after = trainer.Loss(faces, ids, head);
        TestContext.Current.SendDiagnosticMessage($"ArcFace loss on 4 south-asian-celebs identities: {before:F4} → {after:F4}");
        Assert.True(before > 0.05, $"the margin should make the starting loss clearly positive, got {before}");
        Assert.True(after < 0.8 * before, $"loss {before:F4} → {after:F4}");
        Assert.True(frozen.detach().allclose(frozenBefore, rtol: 0, atol: 0), "a frozen layer changed");
        Assert.False(trainedParam.detach().allclose(trainedBefore, rtol: 0, atol: 0), "a trainable layer did not change");
    }

    [Fact]
    public void Identity_split_holds_whole_people_apart()
    {
        var faces = fx.Mixed.Concat(fx.JpSample).ToList();
        var (train, validation) = Trainer.SplitIdentities(faces, 0.3, seed: 3);
        var trainIds = train.Select(f => f.Identity).ToHashSet();
        var valIds = validation.Select(f => f.Identity).ToHashSet();
        Assert.True(valIds.Count >= 2);
        Assert.Empty(trainIds.Intersect(valIds));
        Assert.Equal(faces.Count, train.Count + validation.Count);
        // Too few identities to hold any apart: everything trains.
        var (all, none) = Trainer.SplitIdentities(fx.JpSample, 0.3, seed: 3);
        Assert.Equal(fx.JpSample.Count, all.Count);
        Assert.Empty(none);
    }
}

[Collection(TrainingCollection.Name)]
public sealed class ExportTests(TrainingFixture fx)
{
    [Fact]
    public void Trained_model_folder_loads_in_OnnxRuntime_and_matches_TorchSharp()
    {
        using var temp = new TempDir();
        var outDir = Path.Combine(temp.Path, "my-model");
        using var net = new OnnxNet(fx.Graph);
        var options = new TrainOptions { Epochs = 1, FreezeUntil = "Add_73", Augment = true, LearningRate = 1e-3 };
        var result = new Trainer(net, options).Train(fx.JpSample, []);
        Assert.Single(result.Epochs);
        var before = DateTimeOffset.UtcNow.AddSeconds(-1); // trained_at is written to the second
        var info = TrainedModel.Write(outDir, fx.Graph, result.BestWeights, 3, result.BestEpoch);
        var after = DateTimeOffset.UtcNow;

        // model.json follows the contract.
        var onnxPath = Path.Combine(outDir, "embedder.onnx");
        var bytes = File.ReadAllBytes(onnxPath);
        var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "model.json")));
        var json = doc.RootElement;
        Assert.Equal($"my-model-{sha[..8]}", json.GetProperty("id").GetString());
        Assert.Equal(info.Id, json.GetProperty("id").GetString());
        Assert.Equal("faceplugin-fr_feature-0.0.1", json.GetProperty("base").GetString());
        Assert.Equal("embedder.onnx", json.GetProperty("embedder").GetString());
        Assert.Equal(3, json.GetProperty("identities").GetInt32());
        Assert.Equal(1, json.GetProperty("epochs").GetInt32());
        // Written while Write ran: bracketed by the clock read before and after, not "within ten minutes of now".
        Assert.True(DateTimeOffset.TryParse(json.GetProperty("trained_at").GetString(), System.Globalization.CultureInfo.InvariantCulture, out var at));
        Assert.InRange(at, before, after);

        // Only initializer bytes changed; everything else in the file is byte-identical.
        var stock = File.ReadAllBytes(fx.StockOnnx);
        Assert.Equal(stock.Length, bytes.Length);
        var ranges = fx.Graph.Initializers.Values.Where(t => t.DataType == OnnxTensor.Float).Select(t => (t.DataOffset, End: t.DataOffset + t.DataLength)).ToList();
        var changed = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == stock[i]) continue;
            changed++;
            Assert.Contains(ranges, r => i >= r.DataOffset && i < r.End);
        }
        Assert.True(changed > 1000, $"only {changed} bytes changed");

        // ONNX Runtime on the exported file = TorchSharp with the trained weights, and ≠ the stock model.
        using var trained = new FaceEmbedder(onnxPath);
        using var original = new FaceEmbedder(fx.StockOnnx);
        net.eval();
        float maxDiff = 0, moved = 0;
        foreach (var face in fx.Mixed.Take(6))
        {
            using var bitmap = face.ToBitmap();
            var ort = trained.Embed(bitmap);
            float[] torchOut;
            using (no_grad())
            using (var y = net.forward(FaceData.Batch([face.Rgba])))
                torchOut = y.data<float>().ToArray();
            maxDiff = Math.Max(maxDiff, ort.Zip(torchOut).Max(p => Math.Abs(p.First - p.Second)));
            moved = Math.Max(moved, ort.Zip(original.Embed(bitmap)).Max(p => Math.Abs(p.First - p.Second)));
        }
        TestContext.Current.SendDiagnosticMessage($"exported model: ORT vs TorchSharp max abs diff {maxDiff:E2}; largest change from stock {moved:F4}");
        Assert.True(maxDiff < 1e-4f, $"ORT vs TorchSharp: {maxDiff}");
        Assert.True(moved > 1e-3f, $"the trained model gives the stock outputs (largest change {moved})");

        // The --model resolution used by the commands finds the folder and its id.
        var (path, id) = TrainedModel.Resolve(outDir, fx.Store);
        Assert.Equal(Path.GetFullPath(onnxPath), Path.GetFullPath(path));
        Assert.Equal(info.Id, id);
        Assert.Equal((fx.StockOnnx, FaceEmbedder.Id), TrainedModel.Resolve("stock", fx.Store));
        Assert.Throws<FileNotFoundException>(() => TrainedModel.Resolve(Path.Combine(temp.Path, "missing"), fx.Store));
    }
}

[Collection(TrainingCollection.Name)]
public sealed class GradCamTests(TrainingFixture fx)
{
    [Fact]
    public void GradCam_map_is_deterministic_and_not_uniform()
    {
        using var net = new OnnxNet(fx.Graph);
        var cam = new GradCam(net);
        Assert.Equal("503", cam.Layer); // output of Add_90, the last 7x7 residual block
        var a = fx.JpSample[0];
        var b = fx.JpSample[1]; // same person
        var other = fx.JpSample.First(f => f.Identity != a.Identity);
        var reference = FaceData.EmbedOnnx(fx.StockOnnx, [b.Rgba, other.Rgba]);
        var first = cam.Explain(a.Rgba, reference[0]);
        var second = cam.Explain(a.Rgba, reference[0]);
        Assert.Equal(ExplainMethod.GradCam, first.Method);
        Assert.Equal(112 * 112, first.Values.Length);
        Assert.Equal(first.Values, second.Values);
        Assert.Equal(first.BaseSimilarity, second.BaseSimilarity);
        // The target is the cosine with the reference, as ONNX Runtime computes it.
        var ea = FaceData.EmbedOnnx(fx.StockOnnx, [a.Rgba])[0];
        Assert.Equal(ea.Zip(reference[0]).Sum(p => p.First * p.Second), first.BaseSimilarity, 3);

        var values = first.Values;
        var mean = values.Average();
        var sd = Math.Sqrt(values.Average(v => (v - mean) * (v - mean)));
        Assert.True(values.Max() > 0, "all-zero map");
        Assert.True(sd > 0.2 * mean, $"map nearly uniform: mean {mean}, sd {sd}");
        Assert.All(values, v => Assert.True(v >= 0));
        // Another reference face gives another map.
        var third = cam.Explain(a.Rgba, reference[1]);
        Assert.NotEqual(first.Values, third.Values);
    }

    [Fact]
    public void Explain_picture_shows_GradCam_above_occlusion()
    {
        var dir = Path.Combine(Shared.Set("jp-sample"), "images");
        var photos = Directory.GetDirectories(dir).Order(StringComparer.Ordinal).Select(d => Directory.GetFiles(d).Order(StringComparer.Ordinal).First()).ToList();
        var result = Explainer.Explain(fx.Pipeline, fx.StockOnnx, photos[0], photos[1], gradCam: true);
        Assert.NotNull(result.GradCamA);
        Assert.Equal(ExplainMethod.Occlusion, result.OcclusionA.Method);
        using var png = SKBitmap.Decode(result.Png);
        var occlusionOnly = Explainer.Explain(fx.Pipeline, fx.StockOnnx, photos[0], photos[1], gradCam: false);
        using var single = SKBitmap.Decode(occlusionOnly.Png);
        Assert.Equal(single.Width, png.Width);
        Assert.Equal(2 * single.Height, png.Height);
        Assert.Equal(occlusionOnly.Similarity, result.Similarity);
    }
}
