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

    public FaceEmbedder(string modelPath, int threads = 1) => _model = new OnnxModel(modelPath, threads);

    /// <summary>The id stored beside every embedding this model makes.</summary>
    public const string Id = "faceplugin-fr_feature-0.0.1";

    public string ModelId => Id;
    public int Dimension => 512;

    public float[] Embed(SKBitmap aligned)
    {
        if (aligned.Width != FaceAligner.Size || aligned.Height != FaceAligner.Size)
            throw new ArgumentException($"embedder needs a {FaceAligner.Size}x{FaceAligner.Size} face, got {aligned.Width}x{aligned.Height}");
        var input = new float[_model.InputLength];
        Tensors.RgbaToChw(aligned, input, mean: 127f, scale: 1 / 128f);
        return _model.Run(input)[0];
    }

    public void Dispose() => _model.Dispose();
}
