using Lookalike.Faces;
using Lookalike.Imaging;
using Lookalike.Models;
using Microsoft.ML.OnnxRuntime;

namespace Lookalike.Tests;

/// <summary>The PRelu -> Max(x, slope·x) rewrite every model gets at load (<see cref="PreluAsMax"/>) changes no output bit.</summary>
[Collection(PipelineCollection.Name)]
public class PreluRewriteTests(PipelineFixture fx)
{
    [Fact]
    public void The_rewritten_embedder_gives_the_original_embeddings_bit_for_bit_on_real_faces()
    {
        var path = fx.Store.PathOf(ModelStore.Faceplugin.Files.Single(f => f.Name == "fr_feature.onnx"));
        using var rewritten = new OnnxModel(path, 1);
        Assert.Equal(32, rewritten.PreluRewritten); // of 33: one has a slope above 1 and stays a PRelu
        using var original = new InferenceSession(path);
        var inputName = original.InputNames[0];
        var shape = original.InputMetadata[inputName].Dimensions.Select(d => (long)d).ToArray();
        var photos = Directory.EnumerateFiles(Path.Combine(Shared.Set("deepface-pairs"), "images"), "*.jpg", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal).Take(8).ToList();
        var compared = 0;
        foreach (var photo in photos)
        {
            using var image = ImageLoader.Load(photo);
            if (fx.Pipeline.Analyze(image).Largest is not { } face) continue;
            using var aligned = FaceAligner.Align(image, face.FivePoints);
            var input = new float[rewritten.InputLength];
            Tensors.RgbaToChw(aligned, input, mean: 127f, scale: 1 / 128f);
            var mine = rewritten.Run(input)[0];
            using var value = OrtValue.CreateTensorValueFromMemory(input, shape);
            using var runOptions = new RunOptions();
            using var outputs = original.Run(runOptions, [inputName], [value], original.OutputNames);
            var theirs = outputs[0].GetTensorDataAsSpan<float>().ToArray();
            Assert.Equal(theirs, mine);
            compared++;
        }
        Assert.True(compared >= 6, $"{compared} faces compared");
    }
}
