using System.Runtime.InteropServices;

namespace Lookalike.Models;

/// <summary>
/// Static int8 quantisation of an ONNX model in QDQ form, as onnxruntime.quantization.quantize_static writes it:
/// every Conv's weights int8, symmetric, per output channel (DequantizeLinear axis 0), its bias int32 (scale = input
/// scale x weight scale), and every activation that enters or leaves a Conv or Add uint8, asymmetric, as a
/// QuantizeLinear -> DequantizeLinear pair with the range measured on real faces (<see cref="CalibrationModel"/>).
/// ONNX Runtime's QDQ fusion then runs DQ -> Conv -> Q as QLinearConv (int8 kernels) and DQ -> Add -> Q as QLinearAdd.
/// Outputs of the graph and tensors only a Reshape reads stay float. The opset is raised to 13 (per-axis
/// DequantizeLinear), which changes nothing for Conv, PRelu, Add and Reshape.
/// </summary>
public static class OnnxQuantizer
{
    // ModelProto / GraphProto / NodeProto / TensorProto / ValueInfoProto field numbers (onnx.proto).
    internal const int ModelGraph = 7, ModelOpset = 8;
    internal const int GraphNode = 1, GraphInitializer = 5, GraphInput = 11, GraphOutput = 12;
    internal const int NodeInput = 1, NodeOutput = 2, NodeName = 3, NodeOp = 4, NodeAttribute = 5;
    internal const int TensorDims = 1, TensorType = 2, TensorName = 8, TensorRaw = 9;

    /// <summary>The op types whose activations are quantised (Conv also its weights and bias).</summary>
    private static readonly string[] Quantised = ["Conv", "Add"];

    /// <summary>
    /// The names of the float tensors <see cref="Quantize"/> needs a range for: the graph's input and every activation
    /// that enters or leaves a Conv or Add (not graph outputs, nor tensors only a Reshape reads).
    /// </summary>
    /// <param name="model">The float model (an ONNX file's bytes).</param>
    /// <exception cref="InvalidDataException">Not an ONNX model.</exception>
    public static IReadOnlyList<string> Activations(byte[] model)
    {
        var (_, graph) = Read(model);
        return ActivationsOf(graph);
    }

    /// <summary>
    /// A copy of <paramref name="model"/> that also outputs every tensor of <see cref="Activations"/> except the graph
    /// input, so one run shows their values (for the ranges <see cref="Quantize"/> takes).
    /// </summary>
    /// <param name="model">The float model (an ONNX file's bytes).</param>
    /// <exception cref="InvalidDataException">Not an ONNX model.</exception>
    public static byte[] CalibrationModel(byte[] model)
    {
        var (root, graph) = Read(model);
        var inputs = Names(graph, GraphInput);
        var outputs = Names(graph, GraphOutput);
        foreach (var name in ActivationsOf(graph).Where(n => !inputs.Contains(n) && !outputs.Contains(n)))
            graph.Fields.Add(ProtoMessage.Field.Of(GraphOutput, FloatValueInfo(name)));
        root.Replace(ModelGraph, [ProtoMessage.Field.Of(ModelGraph, graph)]);
        return root.ToArray();
    }

    /// <summary>The QDQ int8 copy of <paramref name="model"/> (see the class remarks).</summary>
    /// <param name="model">The float model (an ONNX file's bytes).</param>
    /// <param name="ranges">Measured range (min, max) of every tensor of <see cref="Activations"/>.</param>
    /// <exception cref="InvalidDataException">Not an ONNX model, or a Conv whose weights are not a float initializer.</exception>
    /// <exception cref="KeyNotFoundException">A tensor of <see cref="Activations"/> without a range.</exception>
    public static byte[] Quantize(byte[] model, IReadOnlyDictionary<string, (float Min, float Max)> ranges)
    {
        ArgumentNullException.ThrowIfNull(ranges);
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("the ONNX quantiser assumes a little-endian machine");
        var (root, graph) = Read(model);
        var activations = ActivationsOf(graph).ToHashSet(StringComparer.Ordinal);
        var initializers = graph.All(GraphInitializer).Select(f => f.Message).ToDictionary(t => t.String(TensorName), StringComparer.Ordinal);
        var nodes = new List<ProtoMessage>();
        var added = new List<ProtoMessage>();
        var removed = new HashSet<string>(StringComparer.Ordinal);
        var scales = new Dictionary<string, float>(StringComparer.Ordinal);

        void QuantiseActivation(string name)
        {
            var (min, max) = ranges[name];
            min = Math.Min(min, 0);
            max = Math.Max(max, 0);
            var scale = max > min ? (max - min) / 255f : 1f;
            var zero = (byte)Math.Clamp(MathF.Round(-min / scale), 0, 255);
            scales[name] = scale;
            added.Add(Tensor(name + "_scale", [], Onnx.Float, BitConverter.GetBytes(scale)));
            added.Add(Tensor(name + "_zero", [], Onnx.Uint8, [zero]));
            nodes.Add(Node("QuantizeLinear", [name, name + "_scale", name + "_zero"], name + "_q"));
            nodes.Add(Node("DequantizeLinear", [name + "_q", name + "_scale", name + "_zero"], name + "_dq"));
        }

        foreach (var input in Names(graph, GraphInput).Where(activations.Contains)) QuantiseActivation(input);
        foreach (var node in graph.All(GraphNode).Select(f => f.Message))
        {
            var op = node.String(NodeOp);
            var inputs = node.Strings(NodeInput).ToArray();
            var renamed = inputs.Select(i => activations.Contains(i) ? i + "_dq" : i).ToArray();
            if (op == "Conv")
            {
                var weight = initializers.GetValueOrDefault(inputs[1]) ?? throw new InvalidDataException($"Conv {node.String(NodeName)}: weights '{inputs[1]}' are not an initializer");
                var inputScale = scales[inputs[0]];
                var (weightName, weightScales) = QuantiseWeights(weight, added, nodes);
                removed.Add(inputs[1]);
                renamed[1] = weightName;
                if (inputs.Length > 2 && initializers.GetValueOrDefault(inputs[2]) is { } bias)
                {
                    renamed[2] = QuantiseBias(bias, inputScale, weightScales, added, nodes);
                    removed.Add(inputs[2]);
                }
            }
            node.Replace(NodeInput, renamed.Select(i => ProtoMessage.Field.Of(NodeInput, i)));
            nodes.Add(node);
            foreach (var output in node.Strings(NodeOutput).Where(activations.Contains)) QuantiseActivation(output);
        }

        var kept = graph.All(GraphInitializer).Where(f => !removed.Contains(f.Message.String(TensorName)));
        graph.Replace(GraphInitializer, kept.Concat(added.Select(t => ProtoMessage.Field.Of(GraphInitializer, t))).ToList());
        graph.Replace(GraphNode, nodes.Select(n => ProtoMessage.Field.Of(GraphNode, n)).ToList());
        root.Replace(ModelGraph, [ProtoMessage.Field.Of(ModelGraph, graph)]);
        root.Replace(ModelOpset, root.All(ModelOpset).Select(f =>
        {
            var opset = f.Message;
            if (opset.String(1) is not "" and not "ai.onnx" || opset.Int(2) >= 13) return f;
            opset.Replace(2, [ProtoMessage.Field.Of(2, 13)]);
            return ProtoMessage.Field.Of(ModelOpset, opset);
        }).ToList());
        return root.ToArray();
    }

    internal static (ProtoMessage Root, ProtoMessage Graph) Read(byte[] model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var root = ProtoMessage.Parse(model);
        var graph = root.First(ModelGraph)?.Message ?? throw new InvalidDataException("not an ONNX model: no graph");
        return (root, graph);
    }

    /// <summary>The names of the graph's inputs or outputs (<paramref name="field"/>: ValueInfoProto's name is its field 1).</summary>
    private static HashSet<string> Names(ProtoMessage graph, int field) =>
        graph.All(field).Select(f => f.Message.String(1)).ToHashSet(StringComparer.Ordinal);

    private static List<string> ActivationsOf(ProtoMessage graph)
    {
        var initializers = graph.All(GraphInitializer).Select(f => f.Message.String(TensorName)).ToHashSet(StringComparer.Ordinal);
        var outputs = Names(graph, GraphOutput);
        var nodes = graph.All(GraphNode).Select(f => f.Message).ToList();
        var readers = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var n in nodes)
            foreach (var i in n.Strings(NodeInput))
            {
                if (!readers.TryGetValue(i, out var ops)) readers[i] = ops = [];
                ops.Add(n.String(NodeOp));
            }
        var names = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void Add(string name)
        {
            if (name.Length == 0 || initializers.Contains(name) || outputs.Contains(name)) return;
            if (readers.TryGetValue(name, out var ops) && ops.All(o => o == "Reshape")) return;
            if (seen.Add(name)) names.Add(name);
        }
        foreach (var n in nodes.Where(n => Quantised.Contains(n.String(NodeOp))))
        {
            var inputs = n.Strings(NodeInput).ToArray();
            if (n.String(NodeOp) == "Conv") Add(inputs[0]);
            else foreach (var i in inputs) Add(i);
            foreach (var o in n.Strings(NodeOutput)) Add(o);
        }
        // In graph order (inputs first), so a calibration run's outputs read naturally.
        var graphInputs = Names(graph, GraphInput);
        return [.. names.Where(graphInputs.Contains), .. names.Where(n => !graphInputs.Contains(n))];
    }

    /// <summary>int8 symmetric per output channel; returns the DequantizeLinear output's name and the scales.</summary>
    private static (string Name, float[] Scales) QuantiseWeights(ProtoMessage weight, List<ProtoMessage> added, List<ProtoMessage> nodes)
    {
        var name = weight.String(TensorName);
        var dims = weight.Ints(TensorDims).ToArray();
        var values = FloatsOf(weight);
        var channels = (int)dims[0];
        var per = values.Length / channels;
        var scales = new float[channels];
        var quantised = new byte[values.Length];
        for (var c = 0; c < channels; c++)
        {
            var span = values.AsSpan(c * per, per);
            var max = 0f;
            foreach (var v in span) max = Math.Max(max, Math.Abs(v));
            scales[c] = max > 0 ? max / 127f : 1f;
            for (var i = 0; i < per; i++) quantised[c * per + i] = (byte)(sbyte)Math.Clamp(MathF.Round(span[i] / scales[c]), -127, 127);
        }
        added.Add(Tensor(name + "_q", dims, Onnx.Int8, quantised));
        added.Add(Tensor(name + "_scale", [channels], Onnx.Float, MemoryMarshal.AsBytes(scales.AsSpan()).ToArray()));
        added.Add(Tensor(name + "_zero", [channels], Onnx.Int8, new byte[channels]));
        nodes.Add(Node("DequantizeLinear", [name + "_q", name + "_scale", name + "_zero"], name + "_dq", axis: 0));
        return (name + "_dq", scales);
    }

    /// <summary>int32 with scale input scale x weight scale per channel, zero point 0; returns the DequantizeLinear output's name.</summary>
    private static string QuantiseBias(ProtoMessage bias, float inputScale, float[] weightScales, List<ProtoMessage> added, List<ProtoMessage> nodes)
    {
        var name = bias.String(TensorName);
        var values = FloatsOf(bias);
        var scales = new float[values.Length];
        var quantised = new int[values.Length];
        for (var c = 0; c < values.Length; c++)
        {
            scales[c] = inputScale * weightScales[c];
            quantised[c] = (int)Math.Clamp(Math.Round((double)values[c] / scales[c]), int.MinValue, int.MaxValue);
        }
        long[] dims = [values.Length];
        added.Add(Tensor(name + "_q", dims, Onnx.Int32, MemoryMarshal.AsBytes(quantised.AsSpan()).ToArray()));
        added.Add(Tensor(name + "_scale", dims, Onnx.Float, MemoryMarshal.AsBytes(scales.AsSpan()).ToArray()));
        added.Add(Tensor(name + "_zero", dims, Onnx.Int32, new byte[4 * values.Length]));
        nodes.Add(Node("DequantizeLinear", [name + "_q", name + "_scale", name + "_zero"], name + "_dq", axis: 0));
        return name + "_dq";
    }

    internal static float[] FloatsOf(ProtoMessage tensor)
    {
        var name = tensor.String(TensorName);
        if (tensor.Int(TensorType) != Onnx.Float) throw new InvalidDataException($"initializer '{name}' is not float");
        // raw_data (9), else packed float_data (4).
        var bytes = tensor.First(TensorRaw)?.Bytes ?? tensor.First(4)?.Bytes ?? throw new InvalidDataException($"initializer '{name}' has no data");
        return MemoryMarshal.Cast<byte, float>(bytes).ToArray();
    }

    private static ProtoMessage Tensor(string name, long[] dims, int type, byte[] raw) =>
        ProtoMessage.Parse(Onnx.TensorBytes(new Onnx.Initializer(name, dims, type, raw)));

    /// <summary>A node named after its one output, with an <c>axis</c> attribute when given.</summary>
    internal static ProtoMessage Node(string op, string[] inputs, string output, int? axis = null) =>
        ProtoMessage.Parse(Onnx.NodeBytes(new Onnx.Node(op, inputs, [output], output, axis is { } a ? [new Onnx.Attribute("axis", a)] : [])));

    private static ProtoMessage FloatValueInfo(string name) => ProtoMessage.Parse(Onnx.ValueInfoBytes(name, null));
}
