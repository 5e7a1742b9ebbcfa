using System.Globalization;
using SkiaSharp;

namespace Lookalike.Faces;

/// <summary>fr_feature.onnx: 512-d embedding of an aligned 112x112 RGB face, input (v - 127) / 128, CHW, batch 1.</summary>
public sealed class FaceEmbedder : IFaceEmbedder, IDisposable
{
    private readonly OnnxModel _model;

    private readonly bool _flip;

    /// <summary>Loads the stock model (id <see cref="Id"/>, no flip-TTA).</summary>
    /// <param name="modelPath">Path of fr_feature.onnx.</param>
    /// <param name="threads">ONNX Runtime intra-op threads (at least 1).</param>
    public FaceEmbedder(string modelPath, int threads = 1) : this(modelPath, Id, flip: false, threads) { }

    /// <param name="modelId">Id stored with the embeddings (a fine-tuned copy has its own).</param>
    /// <param name="flip">Flip-TTA: the mean of the face's and its mirror image's embeddings (twice the cost).</param>
    /// <param name="input">How the model wants its face (size, alignment, normalisation); null: the stock model's.</param>
    /// <summary>Loads an embedding model; with <paramref name="input"/> its output dimension is found by a trial run.</summary>
    /// <param name="modelPath">Path of the ONNX model.</param>
    /// <param name="threads">ONNX Runtime intra-op threads (at least 1).</param>
    /// <exception cref="ArgumentException">The model's input length does not match <paramref name="input"/>.</exception>
    public FaceEmbedder(string modelPath, string modelId, bool flip, int threads = 1, EmbedderInput? input = null)
    {
        _model = new OnnxModel(modelPath, threads, ModelRunTrace.Embedding);
        ModelId = modelId;
        _flip = flip;
        Input = input;
        if (input is null) return;
        if (_model.InputLength != 3 * input.Size * input.Size)
            throw new ArgumentException($"{modelPath} takes {_model.InputLength} input values, not the {input.Size}x{input.Size}x3 its model.json describes");
        Dimension = _model.Run(new float[_model.InputLength])[0].Length;
    }

    /// <summary>The model's input description; null for the stock model and its fine-tuned copies (112x112, (v-127)/128, RGB, CHW).</summary>
    public EmbedderInput? Input { get; }

    /// <summary>The id of the stock model, stored beside every embedding it makes.</summary>
    public const string Id = "faceplugin-fr_feature-0.0.1";

    /// <inheritdoc/>
    public string ModelId { get; }
    /// <inheritdoc/>
    public int Dimension { get; } = 512;

    internal long ModelRuns => _model.Runs;

    /// <inheritdoc/>
    /// <remarks>With flip-TTA, the mean of the face's and its mirror image's embeddings.</remarks>
    /// <exception cref="ArgumentException"><paramref name="aligned"/> is not the size the model takes (112x112, or <see cref="EmbedderInput.Size"/>).</exception>
    public float[] Embed(SKBitmap aligned, CancellationToken cancellation = default)
    {
        if (Input is not null) return EmbedDescribed(aligned, Input, cancellation);
        if (aligned.Width != FaceAligner.Size || aligned.Height != FaceAligner.Size)
            throw new ArgumentException($"embedder needs a {FaceAligner.Size}x{FaceAligner.Size} face, got {aligned.Width}x{aligned.Height}");
        var input = _model.RentInput();
        try
        {
            Tensors.RgbaToChw(aligned, input, mean: 127f, scale: 1 / 128f);
            var embedding = _model.Run(input, cancellation)[0];
            if (!_flip) return embedding;
            MirrorRows(input, FaceAligner.Size);
            // The mean, not the sum: the raw norm stays on the scale the face check's norm threshold was measured on.
            System.Numerics.Tensors.TensorPrimitives.Add(embedding, _model.Run(input, cancellation)[0], embedding);
            System.Numerics.Tensors.TensorPrimitives.Multiply(embedding, 0.5f, embedding);
            return embedding;
        }
        finally
        {
            _model.Return(input);
        }
    }

    private float[] EmbedDescribed(SKBitmap aligned, EmbedderInput input, CancellationToken cancellation)
    {
        // Given the pipeline's 112x112 ArcFace crop (explain, bench), warp it onto the model's own template; the
        // pipeline itself warps the model's crop from the photo (sharper, and nothing cut off).
        if (aligned.Width == FaceAligner.Size && aligned.Height == FaceAligner.Size && !input.UsesStockCrop)
        {
            using var warped = FaceAligner.Align(aligned, FaceAligner.Template, input.Template, input.Size);
            return EmbedDescribed(warped, input, cancellation);
        }
        if (aligned.Width != input.Size || aligned.Height != input.Size)
            throw new ArgumentException($"embedder {ModelId} needs a {input.Size}x{input.Size} face, got {aligned.Width}x{aligned.Height}");
        var embedding = _model.Run(input.ToTensor(aligned, mirror: false), cancellation)[0];
        if (!_flip) return embedding;
        System.Numerics.Tensors.TensorPrimitives.Add(embedding, _model.Run(input.ToTensor(aligned, mirror: true), cancellation)[0], embedding);
        System.Numerics.Tensors.TensorPrimitives.Multiply(embedding, 0.5f, embedding);
        return embedding;
    }

    /// <summary>Mirrors each row of each plane of a CHW tensor in place (a horizontal flip).</summary>
    private static void MirrorRows(float[] chw, int size)
    {
        for (var row = 0; row < chw.Length / size; row++) chw.AsSpan(row * size, size).Reverse();
    }

    /// <summary>Releases the ONNX Runtime session.</summary>
    public void Dispose() => _model.Dispose();
}
