using TorchSharp;
using static TorchSharp.torch;

namespace Lookalike.Training.Onnx;

/// <summary>
/// An ONNX graph run by TorchSharp, node by node, with every float initializer of a Conv, PRelu, Gemm or MatMul as a
/// trainable parameter. Ops: those fr_feature.onnx uses (Conv with bias — its BatchNormalization is folded into the
/// convolutions —, PRelu, Add, Reshape) plus a few common ones (Relu, Flatten, Gemm, MatMul, BatchNormalization in
/// inference form, Identity, Constant), so that graphs of the same family load; anything else fails clearly.
/// </summary>
public sealed class OnnxNet : nn.Module<Tensor, Tensor>
{
    private static readonly HashSet<string> Trainable = ["Conv", "PRelu", "Gemm", "MatMul", "BatchNormalization"];
    private readonly OnnxFile _file;
    private readonly Dictionary<string, Tensor> _values = new(StringComparer.Ordinal); // initializer name → parameter or constant
    private readonly Dictionary<string, string> _parameterOf = new(StringComparer.Ordinal); // initializer → parameter name

    public OnnxNet(OnnxFile file) : base("onnx")
    {
        _file = file;
        var supported = new HashSet<string> { "Conv", "PRelu", "Add", "Mul", "Reshape", "Flatten", "Relu", "Gemm", "MatMul", "BatchNormalization", "Identity", "Constant" };
        var unsupported = file.Nodes.Select(n => n.OpType).Where(op => !supported.Contains(op)).Distinct().ToList();
        if (unsupported.Count > 0) throw new NotSupportedException($"ONNX ops not supported for training: {string.Join(", ", unsupported)}");
        if (file.Inputs.Count != 1 || file.Outputs.Count != 1) throw new NotSupportedException("the graph must have one input and one output");
        var trainable = new HashSet<string>(StringComparer.Ordinal);
        foreach (var n in file.Nodes.Where(n => Trainable.Contains(n.OpType)))
            foreach (var input in n.OpType == "BatchNormalization" ? n.Inputs.Skip(1).Take(2) : n.Inputs.Skip(1))
                trainable.Add(input);
        foreach (var t in file.Initializers.Values)
        {
            Tensor value = t.DataType switch
            {
                OnnxTensor.Float => tensor(t.Floats!, t.Dims),
                OnnxTensor.Int64 => tensor(t.Longs!, t.Dims),
                _ => zeros(0),
            };
            if (t.DataType == OnnxTensor.Float && trainable.Contains(t.Name))
            {
                var name = "w_" + new string([.. t.Name.Select(c => char.IsLetterOrDigit(c) ? c : '_')]);
                var p = new TorchSharp.Modules.Parameter(value, requires_grad: true);
                register_parameter(name, p);
                _values[t.Name] = p;
                _parameterOf[t.Name] = name;
            }
            else _values[t.Name] = value;
        }
    }

    public OnnxFile File => _file;

    /// <summary>When set, <see cref="forward"/> keeps the value of this graph tensor in <see cref="Captured"/> (for Grad-CAM).</summary>
    public string? Capture { get; set; }
    public Tensor? Captured { get; private set; }

    /// <summary>Float initializers that are parameters, in graph order, each with the node that first uses it.</summary>
    public IEnumerable<(string Initializer, TorchSharp.Modules.Parameter Parameter, OnnxNode Node)> GraphParameters()
    {
        var seen = new HashSet<string>();
        foreach (var n in _file.Nodes)
            foreach (var i in n.Inputs)
                if (_parameterOf.ContainsKey(i) && seen.Add(i)) yield return (i, (TorchSharp.Modules.Parameter)_values[i], n);
    }

    /// <summary>Freezes every parameter used by nodes up to and including <paramref name="node"/> (a node name, or a number N:
    /// the first N Conv layers). Returns how many parameters (elements) stay trainable.</summary>
    public long FreezeUntil(string? node)
    {
        var freeze = new HashSet<string>(StringComparer.Ordinal);
        if (!string.IsNullOrEmpty(node) && node != "0")
        {
            var index = int.TryParse(node, out var convs)
                ? IndexOfConv(convs)
                : _file.Nodes.FindIndex(n => n.Name == node || n.Outputs.Contains(node));
            if (index < 0) throw new ArgumentException($"no node '{node}' in the graph (give a node name such as Conv_80, or a count of Conv layers)");
            for (var i = 0; i <= index; i++) foreach (var input in _file.Nodes[i].Inputs) freeze.Add(input);
        }
        long trainable = 0;
        foreach (var (name, p, _) in GraphParameters())
        {
            p.requires_grad = !freeze.Contains(name);
            if (p.requires_grad) trainable += p.numel();
        }
        return trainable;
    }

    private int IndexOfConv(int count)
    {
        var seen = 0;
        for (var i = 0; i < _file.Nodes.Count; i++)
            if (_file.Nodes[i].OpType == "Conv" && ++seen == count) return i;
        return -1;
    }

    /// <summary>The current values of every trainable initializer, for <see cref="OnnxFile.WithWeights"/>.</summary>
    public Dictionary<string, float[]> Weights()
    {
        using var _ = no_grad();
        return GraphParameters().ToDictionary(p => p.Initializer, p => p.Parameter.detach().cpu().contiguous().data<float>().ToArray());
    }

    /// <summary>The graph's output for a batch [N,3,112,112].</summary>
    public override Tensor forward(Tensor input)
    {
        var values = new Dictionary<string, Tensor>(_values, StringComparer.Ordinal) { [_file.Inputs[0]] = input };
        Captured = null;
        foreach (var n in _file.Nodes)
        {
            Tensor In(int i) => values[n.Inputs[i]];
            Tensor result = n.OpType switch
            {
                "Conv" => Conv(n, In(0), In(1), n.Inputs.Length > 2 ? In(2) : null),
                "PRelu" => PRelu(In(0), In(1)),
                "Relu" => nn.functional.relu(In(0)),
                "Add" => In(0) + In(1),
                "Mul" => In(0) * In(1),
                "Reshape" => Reshape(In(0), In(1)),
                "Flatten" => In(0).flatten((int)n.Int("axis", 1)),
                "Gemm" => Gemm(n, In(0), In(1), n.Inputs.Length > 2 ? In(2) : null),
                "MatMul" => In(0).matmul(In(1)),
                "BatchNormalization" => nn.functional.batch_norm(In(0), In(3), In(4), In(1), In(2), training: false, eps: n.Float("epsilon", 1e-5f)),
                "Identity" => In(0),
                "Constant" => n.Attributes["value"].T is { } t && t.DataType == OnnxTensor.Int64 ? tensor(t.Longs!, t.Dims) : tensor(n.Attributes["value"].T!.Floats!, n.Attributes["value"].T!.Dims),
                _ => throw new NotSupportedException(n.OpType),
            };
            values[n.Outputs[0]] = result;
            if (Capture is not null && n.Outputs[0] == Capture) Captured = result;
        }
        if (Capture is not null && Captured is null) throw new ArgumentException($"no tensor '{Capture}' in the graph");
        return values[_file.Outputs[0]];
    }

    private static Tensor Conv(OnnxNode n, Tensor x, Tensor w, Tensor? b)
    {
        var pads = n.Ints("pads", [0, 0, 0, 0]);
        if (pads.Length == 4 && (pads[0] != pads[2] || pads[1] != pads[3]))
        {
            x = nn.functional.pad(x, [pads[1], pads[3], pads[0], pads[2]]);
            pads = [0, 0, 0, 0];
        }
        if (n.Attributes.TryGetValue("auto_pad", out var ap) && ap.S is { } s && s != "NOTSET" && s != "VALID")
            throw new NotSupportedException($"Conv auto_pad {s}");
        return nn.functional.conv2d(x, w, b, strides: n.Ints("strides", [1, 1]), padding: [pads[0], pads[1]],
            dilation: n.Ints("dilations", [1, 1]), groups: n.Int("group", 1));
    }

    /// <summary>ONNX PRelu: slope broadcast against the input (here [C,1,1] against [N,C,H,W]).</summary>
    private static Tensor PRelu(Tensor x, Tensor slope) =>
        slope.dim() == 3 && slope.shape[1] == 1 && slope.shape[2] == 1 && x.dim() == 4 && slope.shape[0] == x.shape[1]
            ? nn.functional.prelu(x, slope.view(-1)) // one op (and one allocation) instead of four
            : nn.functional.relu(x) + slope * x.clamp_max(0);

    private static Tensor Reshape(Tensor x, Tensor shapeTensor)
    {
        var shape = shapeTensor.data<long>().ToArray();
        for (var i = 0; i < shape.Length; i++) if (shape[i] == 0) shape[i] = x.shape[i];
        // The exported graph fixes the batch at 1; a training batch keeps its own size.
        if (shape.Length > 0 && shape[0] == 1 && x.shape[0] != 1) shape[0] = x.shape[0];
        return x.reshape(shape);
    }

    private static Tensor Gemm(OnnxNode n, Tensor a, Tensor b, Tensor? c)
    {
        if (n.Int("transA", 0) != 0) a = a.t();
        if (n.Int("transB", 0) != 0) b = b.t();
        var y = a.matmul(b) * n.Float("alpha", 1f);
        return c is null ? y : y + c * n.Float("beta", 1f);
    }
}
