using Lookalike.Pictures;
using Lookalike.Training.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace Lookalike.Training;

/// <summary>
/// Grad-CAM for face similarity: the target is the cosine between the face's embedding and a reference embedding; the
/// map is ReLU(Σ_c w_c·A_c) over a late convolution map A (default: the output of the last residual block, 128x7x7 in
/// fr_feature.onnx), with w_c the spatial mean of ∂cos/∂A_c, upsampled bilinearly to 112x112. Positive only: where the
/// late features push the similarity up. Deterministic (no sampling).
/// </summary>
public sealed class GradCam(OnnxNet net, string? layer = null)
{
    /// <summary>The graph tensor used: the output of the last residual Add, else the input of the last grouped Conv.</summary>
    /// <remarks>Measured on a celebs-24 pair: the PRelu output that feeds the global depthwise 7x7 convolution gave an
    /// all-zero map (its channel-mean gradients are dominated by the depthwise kernel's signs), the last Add's output a
    /// map covering the face (94 % of pixels positive).</remarks>
    public string Layer { get; } = layer ?? DefaultLayer(net.File);

    public static string DefaultLayer(OnnxFile file)
    {
        if (file.Nodes.LastOrDefault(n => n.OpType == "Add") is { } add) return add.Outputs[0];
        var convs = file.Nodes.Where(n => n.OpType == "Conv").ToList();
        var gdc = convs.LastOrDefault(n => n.Int("group", 1) > 1) ?? convs.Last();
        return gdc.Inputs[0];
    }

    public SimilarityMap Explain(byte[] alignedRgba, float[] reference)
    {
        using var scope = NewDisposeScope();
        net.eval();
        net.Capture = Layer;
        try
        {
            var x = FaceData.Batch([alignedRgba]);
            var embedding = nn.functional.normalize(net.forward(x), dim: 1);
            var activation = net.Captured!;
            var r = nn.functional.normalize(tensor(reference).unsqueeze(0), dim: 1);
            var cosine = (embedding * r).sum();
            var grad = autograd.grad([cosine], [activation])[0];
            using var _ = no_grad();
            var weights = grad.mean([2, 3], keepdim: true);
            var cam = nn.functional.relu((weights * activation).sum(1, keepdim: true));
            var size = AlignedFace.Size;
            var up = nn.functional.interpolate(cam, [size, size], mode: InterpolationMode.Bilinear, align_corners: false);
            var values = up.reshape(-1).contiguous().data<float>().ToArray();
            return new SimilarityMap(cosine.item<float>(), values, size, ExplainMethod.GradCam);
        }
        finally
        {
            net.Capture = null;
        }
    }
}
