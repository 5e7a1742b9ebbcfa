using static Lookalike.Models.OnnxQuantizer;

namespace Lookalike.Models;

/// <summary>
/// Rewrites PRelu nodes as Max(x, slope·x), which ONNX Runtime runs much faster on this CPU than its PRelu kernel
/// (the stock embedder's 33 PRelu took about 40 % of its run; the whole embedder ran 1.96x and 2.27x faster rewritten,
/// in two interleaved measurements). It is exact, not an approximation, where every slope a is at most 1: for x &gt; 0,
/// a·x &lt;= x, and for x &lt; 0, a·x &gt;= x, so the larger of the two is what PRelu gives, and the product a·x is the
/// same multiplication PRelu does. A PRelu with a slope above 1, or whose slope is not a constant, is left as it is.
/// Mul and Max broadcast the slope as PRelu does (its shape is [C, 1, 1] against NCHW).
/// </summary>
internal static class PreluAsMax
{
    /// <summary>The model with every PRelu that can be rewritten exactly rewritten, and how many were.</summary>
    /// <param name="model">An ONNX file's bytes.</param>
    /// <exception cref="InvalidDataException">Not an ONNX model.</exception>
    public static (byte[] Model, int Rewritten) Rewrite(byte[] model)
    {
        var (root, graph) = Read(model);
        var slopes = graph.All(GraphInitializer).Select(f => f.Message)
            .Where(t => t.Int(TensorType) == Onnx.Float)
            .ToDictionary(t => t.String(TensorName), StringComparer.Ordinal);
        var rewritten = 0;
        var nodes = new List<ProtoMessage.Field>();
        foreach (var field in graph.All(GraphNode))
        {
            var node = field.Message;
            var inputs = node.Strings(NodeInput).ToArray();
            if (node.String(NodeOp) != "PRelu" || inputs.Length != 2 || !slopes.TryGetValue(inputs[1], out var slope)
                || FloatsOf(slope).Any(a => !(a <= 1)))
            {
                nodes.Add(field);
                continue;
            }
            var output = node.Strings(NodeOutput).Single();
            nodes.Add(ProtoMessage.Field.Of(GraphNode, Node("Mul", [inputs[0], inputs[1]], output + "_prelu_scaled")));
            nodes.Add(ProtoMessage.Field.Of(GraphNode, Node("Max", [inputs[0], output + "_prelu_scaled"], output)));
            rewritten++;
        }
        if (rewritten == 0) return (model, 0);
        graph.Replace(GraphNode, nodes);
        root.Replace(ModelGraph, [ProtoMessage.Field.Of(ModelGraph, graph)]);
        return (root.ToArray(), rewritten);
    }
}
