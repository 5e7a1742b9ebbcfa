using System.Collections.Concurrent;
using Lookalike.Evaluation;
using Lookalike.Faces;
using Lookalike.Imaging;
using SkiaSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace Lookalike.Training;

/// <summary>One aligned 112x112 face (RGBA bytes) with its identity and source file.</summary>
public sealed record AlignedFace(string Path, string Identity, byte[] Rgba)
{
    public const int Size = FaceAligner.Size;

    public SKBitmap ToBitmap()
    {
        var bitmap = new SKBitmap(new SKImageInfo(Size, Size, SKColorType.Rgba8888, SKAlphaType.Premul));
        Rgba.CopyTo(bitmap.GetPixelSpan());
        return bitmap;
    }
}

/// <summary>
/// Faces for training and evaluation: each photo goes through the stock pipeline (detect, landmarks, align) exactly as at
/// inference time, and the aligned crop of its largest face is kept; photos without a face are counted and left out.
/// </summary>
public static class FaceData
{
    /// <summary>Aligned crops of the largest face of each image, in input order; failures are listed separately.</summary>
    public static (List<AlignedFace> Faces, List<string> Failed) Align(FacePipeline pipeline, IReadOnlyList<LabelledImage> images,
        IProgress<int>? progress = null, int workers = 2)
    {
        var result = new AlignedFace?[images.Count];
        var done = 0;
        Parallel.For(0, images.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, workers) }, i =>
        {
            try
            {
                using var image = ImageLoader.Load(images[i].Path);
                if (pipeline.Analyze(image).Largest is { } face)
                {
                    using var aligned = FaceAligner.Align(image, face.FivePoints);
                    result[i] = new AlignedFace(images[i].Path, images[i].Identity, aligned.GetPixelSpan().ToArray());
                }
            }
            catch (ImageLoadException)
            {
            }
            progress?.Report(Interlocked.Increment(ref done));
        });
        return ([.. result.OfType<AlignedFace>()], [.. images.Where((_, i) => result[i] is null).Select(x => x.Path)]);
    }

    /// <summary>The embedder's input for one crop: RGB planes, (v - 127) / 128, as <c>FaceEmbedder</c> feeds ONNX Runtime.</summary>
    public static float[] ToChw(ReadOnlySpan<byte> rgba)
    {
        const int plane = AlignedFace.Size * AlignedFace.Size;
        var output = new float[3 * plane];
        for (var i = 0; i < plane; i++)
        {
            output[i] = (rgba[4 * i] - 127f) / 128f;
            output[plane + i] = (rgba[4 * i + 1] - 127f) / 128f;
            output[2 * plane + i] = (rgba[4 * i + 2] - 127f) / 128f;
        }
        return output;
    }

    /// <summary>A batch tensor [N,3,112,112] of crops.</summary>
    public static Tensor Batch(IEnumerable<byte[]> crops)
    {
        var list = crops.ToList();
        const int n = 3 * AlignedFace.Size * AlignedFace.Size;
        var data = new float[list.Count * n];
        for (var i = 0; i < list.Count; i++) ToChw(list[i]).CopyTo(data, i * n);
        return tensor(data, [list.Count, 3, AlignedFace.Size, AlignedFace.Size]);
    }

    /// <summary>L2-normalised embeddings of crops by a TorchSharp net (no gradients), <paramref name="batch"/> at a time.</summary>
    public static float[][] Embed(nn.Module<Tensor, Tensor> net, IReadOnlyList<byte[]> crops, int batch = 32)
    {
        var result = new float[crops.Count][];
        using var _ = no_grad();
        for (var s = 0; s < crops.Count; s += batch)
        {
            using var scope = NewDisposeScope();
            var x = Batch(crops.Skip(s).Take(batch));
            var e = nn.functional.normalize(net.forward(x), dim: 1).contiguous();
            var flat = e.data<float>().ToArray();
            var d = (int)e.shape[1];
            for (var i = 0; i < e.shape[0]; i++) result[s + i] = flat.AsSpan(i * d, d).ToArray();
        }
        return result;
    }

    /// <summary>L2-normalised embeddings of crops by an ONNX file on ONNX Runtime (the path inference takes).</summary>
    public static float[][] EmbedOnnx(string onnxPath, IReadOnlyList<byte[]> crops, int workers = 2)
    {
        using var embedder = new FaceEmbedder(onnxPath, 1);
        var result = new float[crops.Count][];
        Parallel.For(0, crops.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, workers) }, i =>
        {
            using var bitmap = new AlignedFace("", "", crops[i]).ToBitmap();
            var e = embedder.Embed(bitmap);
            var norm = (float)Math.Sqrt(e.Sum(v => (double)v * v));
            result[i] = [.. e.Select(v => v / Math.Max(norm, 1e-12f))];
        });
        return result;
    }
}

/// <summary>
/// Random changes of an aligned crop that keep the identity: horizontal flip, a small similarity warp (±8°, ±6 % scale,
/// ±4 px shift, border filled by edge pixels), brightness/contrast/saturation jitter and, sometimes, a slight blur.
/// Each call draws from its own seed (e.g. from the run's seed, the epoch and the position in it), so a run is
/// reproducible even though crops are augmented in parallel.
/// </summary>
public static class Augmenter
{
    public static byte[] Apply(byte[] rgba, int seed)
    {
        var random = new Random(seed);
        float Uniform(float lo, float hi) => lo + (float)random.NextDouble() * (hi - lo);
        var flip = random.NextDouble() < 0.5;
        var angle = Uniform(-8, 8);
        var scale = Uniform(0.94f, 1.06f);
        var dx = Uniform(-4, 4);
        var dy = Uniform(-4, 4);
        var brightness = Uniform(-0.15f, 0.15f);
        var contrast = Uniform(0.8f, 1.2f);
        var saturation = Uniform(0.7f, 1.3f);
        var blur = random.NextDouble() < 0.25 ? Uniform(0.3f, 1.2f) : 0;
        const int size = AlignedFace.Size;
        using var source = new AlignedFace("", "", rgba).ToBitmap();
        using var target = new SKBitmap(source.Info);
        using (var canvas = new SKCanvas(target))
        using (var image = SKImage.FromBitmap(source))
        {
            canvas.Clear(SKColors.Black);
            var c = size / 2f;
            canvas.Translate(c + dx, c + dy);
            canvas.RotateDegrees(angle);
            canvas.Scale(flip ? -scale : scale, scale);
            canvas.Translate(-c, -c);
            using var paint = new SKPaint();
            if (blur > 0) paint.ImageFilter = SKImageFilter.CreateBlur(blur, blur);
            // Clamp-to-edge shader fills the corners the warp uncovers, as a face photo would continue.
            using var shader = image.ToShader(SKShaderTileMode.Clamp, SKShaderTileMode.Clamp, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.None));
            paint.Shader = shader;
            canvas.DrawRect(-size, -size, 3 * size, 3 * size, paint);
        }
        var px = target.GetPixelSpan().ToArray();
        for (var i = 0; i < px.Length; i += 4)
        {
            float r = px[i], g = px[i + 1], b = px[i + 2];
            var grey = 0.299f * r + 0.587f * g + 0.114f * b;
            r = grey + (r - grey) * saturation; g = grey + (g - grey) * saturation; b = grey + (b - grey) * saturation;
            px[i] = Byte((r - 127.5f) * contrast + 127.5f + 255 * brightness);
            px[i + 1] = Byte((g - 127.5f) * contrast + 127.5f + 255 * brightness);
            px[i + 2] = Byte((b - 127.5f) * contrast + 127.5f + 255 * brightness);
            px[i + 3] = 255;
        }
        return px;
    }

    private static byte Byte(float v) => (byte)Math.Clamp(MathF.Round(v), 0, 255);
}
