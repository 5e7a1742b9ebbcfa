using SkiaSharp;

namespace Lookalike.Faces;

/// <summary>Turns an aligned 112x112 face into a feature vector.</summary>
public interface IFaceEmbedder
{
    /// <summary>Identifies the model (and pre-processing) that made an embedding; stored beside each one.</summary>
    string ModelId { get; }
    int Dimension { get; }

    /// <summary>The raw (not normalised) embedding of an aligned face.</summary>
    float[] Embed(SKBitmap aligned);
}

/// <summary>fr_feature.onnx: 512-d embedding of an aligned 112x112 RGB face, input (v - 127) / 128, CHW, batch 1.</summary>
public sealed class FaceEmbedder : IFaceEmbedder, IDisposable
{
    private readonly OnnxModel _model;

    private readonly bool _flip;

    public FaceEmbedder(string modelPath, int threads = 1) : this(modelPath, Id, flip: false, threads) { }

    /// <param name="modelId">Id stored with the embeddings (a fine-tuned copy has its own).</param>
    /// <param name="flip">Flip-TTA: the mean of the face's and its mirror image's embeddings (twice the cost).</param>
    public FaceEmbedder(string modelPath, string modelId, bool flip, int threads = 1)
    {
        _model = new OnnxModel(modelPath, threads);
        ModelId = modelId;
        _flip = flip;
    }

    /// <summary>The id of the stock model, stored beside every embedding it makes.</summary>
    public const string Id = "faceplugin-fr_feature-0.0.1";

    public string ModelId { get; }
    public int Dimension => 512;

    public float[] Embed(SKBitmap aligned)
    {
        if (aligned.Width != FaceAligner.Size || aligned.Height != FaceAligner.Size)
            throw new ArgumentException($"embedder needs a {FaceAligner.Size}x{FaceAligner.Size} face, got {aligned.Width}x{aligned.Height}");
        var input = new float[_model.InputLength];
        Tensors.RgbaToChw(aligned, input, mean: 127f, scale: 1 / 128f);
        var embedding = _model.Run(input)[0];
        if (!_flip) return embedding;
        MirrorRows(input, FaceAligner.Size);
        // The mean, not the sum: the raw norm stays on the scale the face check's norm threshold was measured on.
        System.Numerics.Tensors.TensorPrimitives.Add(embedding, _model.Run(input)[0], embedding);
        System.Numerics.Tensors.TensorPrimitives.Multiply(embedding, 0.5f, embedding);
        return embedding;
    }

    /// <summary>Mirrors each row of each plane of a CHW tensor in place (a horizontal flip).</summary>
    private static void MirrorRows(float[] chw, int size)
    {
        for (var row = 0; row < chw.Length / size; row++) chw.AsSpan(row * size, size).Reverse();
    }

    public void Dispose() => _model.Dispose();
}
