using System.Text;
using System.Text.Json;

namespace Lookalike.Models;

/// <summary>
/// Converts a TensorFlow.js graph model (model.json + weight shards, float32 or quantized uint8/uint16/float16
/// weights, dequantized here) to ONNX (opset 13) for exactly the ops the human-models face embedders use
/// (<see cref="SupportedOps"/>); any other op is an error naming it. The ONNX graph runs NCHW: its input is
/// <c>[1, C, H, W]</c>, convolution weights are transposed from TF's HWIO, and per-channel constants are reshaped,
/// so no Transpose runs at inference time; axes of reductions, squeezes and concatenations are remapped.
/// </summary>
public static class TfjsToOnnx
{
    /// <summary>The ONNX opset the converted graph declares.</summary>
    public const int Opset = 13;
    /// <summary>Name of the converted graph's single input.</summary>
    public const string InputName = "input";

    /// <summary>The TF op names the converter handles; a graph with any other op is rejected.</summary>
    public static readonly IReadOnlyList<string> SupportedOps =
    [
        "Placeholder", "Const", "Identity",
        "Conv2D", "DepthwiseConv2dNative", "_FusedConv2D", "FusedDepthwiseConv2dNative", "_FusedMatMul", "MatMul", "BiasAdd",
        "Add", "AddV2", "Sub", "Mul", "RealDiv", "Maximum", "Minimum",
        "Relu", "Relu6", "Abs", "Neg", "Sigmoid", "Tanh", "Sqrt", "Rsqrt", "Square", "Softmax",
        "Sum", "Mean", "Max", "Squeeze", "Reshape", "MaxPool", "AvgPool", "ConcatV2", "Pad",
    ];

    /// <summary>A tensor known at conversion time (a Const node's weights).</summary>
    private sealed record Constant(int[] Shape, float[] Values);

    /// <summary>A tensor computed by the ONNX graph: its name there, its rank, and whether it is a 4-D tensor held as NCHW.</summary>
    private sealed record Value(string Name, int Rank, bool Nchw);

    /// <summary>Converts <paramref name="modelJson"/> and returns the ONNX model's bytes; its output is the TF node <paramref name="outputNode"/>.</summary>
    public static byte[] Convert(string modelJson, string outputNode) => new Converter(modelJson).Run(outputNode);

    private sealed class Converter
    {
        private readonly string _file;
        private readonly JsonElement _root;
        private readonly Dictionary<string, JsonElement> _nodes = new(StringComparer.Ordinal);
        private readonly Dictionary<string, Constant> _constants;
        private readonly Dictionary<string, Value> _values = new(StringComparer.Ordinal);
        private readonly List<Onnx.Node> _onnx = [];
        private readonly Dictionary<string, Onnx.Initializer> _initializers = new(StringComparer.Ordinal);
        private (string Name, long[] Shape)? _input;
        private int _counter;

        public Converter(string modelJson)
        {
            _file = modelJson;
            try
            {
                _root = JsonDocument.Parse(File.ReadAllBytes(modelJson)).RootElement;
                if (_root.TryGetProperty("format", out var f) && f.GetString() is { } format && format != "graph-model")
                    throw new TfjsConversionException($"{modelJson}: format '{format}' is not supported, only TFJS graph models");
                foreach (var n in _root.GetProperty("modelTopology").GetProperty("node").EnumerateArray())
                    _nodes[n.GetProperty("name").GetString()!] = n;
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                throw new TfjsConversionException($"{modelJson} is not a TFJS graph model.json: {e.Message}");
            }
            _constants = ReadWeights();
        }

        // ---------------------------------------------------------------- weights

        private Dictionary<string, Constant> ReadWeights()
        {
            var dir = Path.GetDirectoryName(Path.GetFullPath(_file))!;
            var result = new Dictionary<string, Constant>(StringComparer.Ordinal);
            foreach (var group in _root.GetProperty("weightsManifest").EnumerateArray())
            {
                using var data = new MemoryStream();
                foreach (var p in group.GetProperty("paths").EnumerateArray())
                {
                    var shard = Path.Combine(dir, p.GetString()!);
                    if (!File.Exists(shard)) throw new TfjsConversionException($"{_file}: weight shard {shard} is missing");
                    using var s = File.OpenRead(shard);
                    s.CopyTo(data);
                }
                var bytes = data.GetBuffer().AsSpan(0, (int)data.Length);
                var offset = 0;
                foreach (var w in group.GetProperty("weights").EnumerateArray())
                {
                    var name = w.GetProperty("name").GetString()!;
                    var shape = w.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray();
                    var count = shape.Aggregate(1, (a, b) => a * b);
                    var dtype = w.GetProperty("dtype").GetString();
                    if (dtype is not ("float32" or "int32"))
                        throw new TfjsConversionException($"{_file}: weight {name} has dtype {dtype}; only float32 and int32 are supported");
                    var values = new float[count];
                    string? quant = null;
                    if (w.TryGetProperty("quantization", out var q)) quant = q.GetProperty("dtype").GetString();
                    var size = quant switch { null => 4, "float16" or "uint16" => 2, "uint8" => 1, _ => throw new TfjsConversionException($"{_file}: weight {name} uses unsupported quantization {quant}") };
                    if (offset + count * size > bytes.Length)
                        throw new TfjsConversionException($"{_file}: the weight shards end inside {name} ({bytes.Length} bytes, need {offset + count * size}): corrupt or truncated shard");
                    var src = bytes.Slice(offset, count * size);
                    switch (quant)
                    {
                        case null when dtype == "int32":
                            for (var i = 0; i < count; i++) values[i] = BitConverter.ToInt32(src.Slice(4 * i, 4));
                            break;
                        case null:
                            for (var i = 0; i < count; i++) values[i] = BitConverter.ToSingle(src.Slice(4 * i, 4));
                            break;
                        case "float16":
                            for (var i = 0; i < count; i++) values[i] = (float)BitConverter.ToHalf(src.Slice(2 * i, 2));
                            break;
                        default:
                            // Affine quantization: value = code * scale + min.
                            var scale = q.GetProperty("scale").GetSingle();
                            var min = q.GetProperty("min").GetSingle();
                            for (var i = 0; i < count; i++)
                                values[i] = (size == 1 ? src[i] : BitConverter.ToUInt16(src.Slice(2 * i, 2))) * scale + min;
                            break;
                    }
                    offset += count * size;
                    result[name] = new Constant(shape, values);
                }
                if (offset != bytes.Length)
                    throw new TfjsConversionException($"{_file}: the weight shards hold {bytes.Length} bytes but the manifest describes {offset}: corrupt shard or wrong manifest");
            }
            return result;
        }

        // ---------------------------------------------------------------- graph

        public byte[] Run(string outputNode)
        {
            if (!_nodes.ContainsKey(outputNode)) throw new TfjsConversionException($"{_file}: no node named '{outputNode}'");
            var unknown = _nodes.Values.Select(n => n.GetProperty("op").GetString()!).Where(op => !SupportedOps.Contains(op)).Distinct().ToList();
            if (unknown.Count > 0)
                throw new TfjsConversionException($"{_file}: unsupported TFJS op(s) {string.Join(", ", unknown)}; the converter handles {string.Join(", ", SupportedOps)}");
            var output = Get(outputNode);
            if (output is not Value v) throw new TfjsConversionException($"{_file}: output '{outputNode}' is a constant");
            if (v.Nchw) v = ToNhwc(v);
            Emit("Identity", [v.Name], "output");
            if (_input is null) throw new TfjsConversionException($"{_file}: the output does not depend on a Placeholder");
            var doc = $"converted by Lookalike TfjsToOnnx from {Path.GetFileName(_file)}, output node {outputNode}";
            return Onnx.Model("tfjs", Opset, "lookalike-tfjs-to-onnx", _input.Value, ["output"], _onnx, _initializers.Values, doc);
        }

        private readonly Dictionary<string, object> _done = new(StringComparer.Ordinal);

        /// <summary>The converted value of a TF node's output (a <see cref="Constant"/> or a <see cref="Value"/>), converting its inputs first.</summary>
        private object Get(string reference)
        {
            var name = reference.Split(':')[0];
            if (reference.Contains(':') && reference.Split(':')[1] != "0")
                throw new TfjsConversionException($"{_file}: input '{reference}' uses a second output of a node; not supported");
            if (_done.TryGetValue(name, out var known)) return known;
            // Deep graphs: convert inputs iteratively (post-order) so recursion depth stays small.
            var stack = new Stack<(string Name, bool Expanded)>();
            stack.Push((name, false));
            while (stack.Count > 0)
            {
                var (n, expanded) = stack.Pop();
                if (_done.ContainsKey(n)) continue;
                if (!_nodes.TryGetValue(n, out var node)) throw new TfjsConversionException($"{_file}: node '{n}' is referenced but not defined");
                if (!expanded)
                {
                    stack.Push((n, true));
                    foreach (var i in Inputs(node)) if (!_done.ContainsKey(i.Split(':')[0])) stack.Push((i.Split(':')[0], false));
                    continue;
                }
                _done[n] = ConvertNode(n, node);
            }
            return _done[name];
        }

        private static string[] Inputs(JsonElement node) =>
            node.TryGetProperty("input", out var i) ? [.. i.EnumerateArray().Select(x => x.GetString()!).Where(x => !x.StartsWith('^'))] : [];

        private object ConvertNode(string name, JsonElement node)
        {
            var op = node.GetProperty("op").GetString()!;
            var inputs = Inputs(node);
            var attr = node.TryGetProperty("attr", out var a) ? a : default;
            object In(int i) => _done[inputs[i].Split(':')[0]];
            try
            {
                switch (op)
                {
                    case "Const":
                        return _constants.TryGetValue(name, out var c) ? c : throw new TfjsConversionException($"{_file}: constant '{name}' has no weights in the manifest");
                    case "Placeholder":
                        return Placeholder(name, attr);
                    case "Identity":
                        return In(0);
                    case "Conv2D" or "DepthwiseConv2dNative" or "_FusedConv2D" or "FusedDepthwiseConv2dNative":
                        return Conv(name, op, attr, inputs.Select((_, i) => In(i)).ToArray());
                    case "_FusedMatMul" or "MatMul":
                        return MatMul(name, attr, inputs.Select((_, i) => In(i)).ToArray());
                    case "BiasAdd" or "Add" or "AddV2":
                        return Binary("Add", name, In(0), In(1));
                    case "Sub": return Binary("Sub", name, In(0), In(1));
                    case "Mul": return Binary("Mul", name, In(0), In(1));
                    case "RealDiv": return Binary("Div", name, In(0), In(1));
                    case "Maximum": return Binary("Max", name, In(0), In(1));
                    case "Minimum": return Binary("Min", name, In(0), In(1));
                    case "Relu": return Unary("Relu", name, In(0));
                    case "Abs": return Unary("Abs", name, In(0));
                    case "Neg": return Unary("Neg", name, In(0));
                    case "Sigmoid": return Unary("Sigmoid", name, In(0));
                    case "Tanh": return Unary("Tanh", name, In(0));
                    case "Sqrt": return Unary("Sqrt", name, In(0));
                    case "Relu6": return Relu6(name, Runtime(In(0), name));
                    case "Rsqrt":
                    {
                        var x = Runtime(In(0), name);
                        var s = Emit("Sqrt", [x.Name], name + "/sqrt");
                        return x with { Name = Emit("Reciprocal", [s], name) };
                    }
                    case "Square":
                    {
                        var x = Runtime(In(0), name);
                        return x with { Name = Emit("Mul", [x.Name, x.Name], name) };
                    }
                    case "Softmax":
                    {
                        var x = Runtime(In(0), name);
                        if (x.Nchw) throw new TfjsConversionException($"{_file}: Softmax '{name}' over a 4-D image tensor is not supported");
                        return x with { Name = Emit("Softmax", [x.Name], name, new Onnx.Attribute("axis", -1L)) };
                    }
                    case "Sum" or "Mean" or "Max":
                        return Reduce(name, op, attr, Runtime(In(0), name), ConstInts(In(1), name));
                    case "Squeeze":
                        return Squeeze(name, attr, Runtime(In(0), name));
                    case "Reshape":
                        return Reshape(name, Runtime(In(0), name), ConstInts(In(1), name));
                    case "MaxPool" or "AvgPool":
                        return Pool(name, op, attr, Runtime(In(0), name));
                    case "ConcatV2":
                        return Concat(name, inputs.Take(inputs.Length - 1).Select((_, i) => In(i)).ToArray(), ConstInts(In(inputs.Length - 1), name)[0]);
                    case "Pad":
                        return Pad(name, Runtime(In(0), name), ConstInts(In(1), name));
                    default:
                        throw new TfjsConversionException($"{_file}: unsupported TFJS op {op} (node '{name}')");
                }
            }
            catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or IndexOutOfRangeException)
            {
                throw new TfjsConversionException($"{_file}: cannot convert {op} node '{name}': {e.Message}");
            }
        }

        private Value Placeholder(string name, JsonElement attr)
        {
            if (_input is not null) throw new TfjsConversionException($"{_file}: more than one Placeholder ('{name}'); only single-input models are supported");
            var dims = attr.GetProperty("shape").GetProperty("shape").GetProperty("dim").EnumerateArray()
                .Select(d => long.Parse(d.GetProperty("size").GetString() ?? "-1", System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            if (dims.Length != 4 || dims[1] <= 0 || dims[2] <= 0 || dims[3] <= 0)
                throw new TfjsConversionException($"{_file}: input '{name}' has shape [{string.Join(",", dims)}]; need [batch, height, width, channels] with fixed sizes");
            _input = (InputName, [1, dims[3], dims[1], dims[2]]);
            return new Value(InputName, 4, Nchw: true);
        }

        // ---------------------------------------------------------------- ops

        private Value Conv(string name, string op, JsonElement attr, object[] args)
        {
            var x = Runtime(args[0], name);
            if (!x.Nchw) throw new TfjsConversionException($"{_file}: {op} '{name}' needs a 4-D image tensor");
            if (Str(attr, "data_format", "NHWC") != "NHWC") throw new TfjsConversionException($"{_file}: {op} '{name}': only NHWC data_format is supported");
            var w = Const(args[1], name);
            if (w.Shape.Length != 4) throw new TfjsConversionException($"{_file}: {op} '{name}': filter must be 4-D");
            var depthwise = op.Contains("Depthwise");
            int kh = w.Shape[0], kw = w.Shape[1], cin = w.Shape[2], m = w.Shape[3];
            var cout = depthwise ? cin * m : m;
            // TF HWIO (depthwise: H, W, C, multiplier) -> ONNX OIHW (depthwise: C*multiplier, 1, H, W with group = C).
            var weights = new float[w.Values.Length];
            // TF's FusedBatchNorm inside a fused conv is not run by TFJS either; only BiasAdd and an activation are.
            for (var h = 0; h < kh; h++)
            for (var ww = 0; ww < kw; ww++)
            for (var i = 0; i < cin; i++)
            for (var o = 0; o < m; o++)
            {
                var v = w.Values[((h * kw + ww) * cin + i) * m + o];
                if (depthwise) weights[((i * m + o) * kh + h) * kw + ww] = v;
                else weights[((o * cin + i) * kh + h) * kw + ww] = v;
            }
            float[]? bias = null;
            var fused = Fused(attr);
            var next = 2;
            var post = new List<string>();
            foreach (var f in fused)
            {
                switch (f)
                {
                    case "BiasAdd":
                        bias = Const(args[next++], name).Values.ToArray();
                        break;
                    case "Relu" or "Relu6" or "Prelu":
                        post.Add(f);
                        break;
                    default:
                        throw new TfjsConversionException($"{_file}: {op} '{name}' fuses unsupported op {f}");
                }
            }
            var wName = Init(Onnx.FloatTensor(name + "/W", [cout, depthwise ? 1 : cin, kh, kw], weights));
            var inputs = new List<string> { x.Name, wName };
            if (bias is not null) inputs.Add(Init(Onnx.FloatTensor(name + "/B", [cout], bias)));
            var strides = Ints(attr, "strides", [1, 1, 1, 1]);
            var dilations = Ints(attr, "dilations", [1, 1, 1, 1]);
            var attrs = new List<Onnx.Attribute>
            {
                new("kernel_shape", new long[] { kh, kw }),
                new("strides", new[] { strides[1], strides[2] }),
                new("dilations", new[] { dilations[1], dilations[2] }),
                Padding(name, attr),
            };
            if (depthwise) attrs.Add(new("group", (long)cin));
            var y = Emit("Conv", [.. inputs], post.Count == 0 ? name : name + "/conv", [.. attrs]);
            foreach (var (f, i) in post.Select((f, i) => (f, i)))
            {
                var outName = i == post.Count - 1 ? name : $"{name}/{f}";
                y = f switch
                {
                    "Relu" => Emit("Relu", [y], outName),
                    "Relu6" => Relu6(outName, new Value(y, 4, true)).Name,
                    _ => Emit("PRelu", [y, Init(PerChannel(Const(args[next++], name), name + "/alpha", nchw: true))], outName),
                };
            }
            return new Value(y, 4, Nchw: true);
        }

        private Value MatMul(string name, JsonElement attr, object[] args)
        {
            var a = Runtime(args[0], name);
            if (a.Rank != 2 || a.Nchw) throw new TfjsConversionException($"{_file}: MatMul '{name}' needs a 2-D input");
            var transA = Bool(attr, "transpose_a");
            var transB = Bool(attr, "transpose_b");
            if (transA) throw new TfjsConversionException($"{_file}: MatMul '{name}' with transpose_a is not supported");
            var b = Const(args[1], name);
            var inputs = new List<string> { a.Name, Init(Onnx.FloatTensor(name + "/W", [b.Shape[0], b.Shape[1]], b.Values)) };
            var fused = Fused(attr);
            var post = new List<string>();
            foreach (var f in fused)
            {
                if (f == "BiasAdd") inputs.Add(Init(Onnx.FloatTensor(name + "/B", [Const(args[2], name).Values.Length], Const(args[2], name).Values)));
                else if (f is "Relu" or "Relu6") post.Add(f);
                else throw new TfjsConversionException($"{_file}: MatMul '{name}' fuses unsupported op {f}");
            }
            var y = Emit("Gemm", [.. inputs], post.Count == 0 ? name : name + "/gemm", new Onnx.Attribute("transB", transB ? 1L : 0L));
            foreach (var f in post) y = f == "Relu" ? Emit("Relu", [y], name) : Relu6(name, new Value(y, 2, false)).Name;
            return new Value(y, 2, Nchw: false);
        }

        private Value Relu6(string name, Value x) =>
            x with { Name = Emit("Clip", [x.Name, Init(Onnx.FloatTensor(name + "/min", [], [0f])), Init(Onnx.FloatTensor(name + "/max", [], [6f]))], name) };

        private object Unary(string onnxOp, string name, object input)
        {
            var x = Runtime(input, name);
            return x with { Name = Emit(onnxOp, [x.Name], name) };
        }

        private object Binary(string onnxOp, string name, object left, object right)
        {
            if (left is Constant && right is Constant) throw new TfjsConversionException($"{_file}: '{name}' combines two constants; not supported");
            var values = new[] { left, right }.OfType<Value>().ToList();
            var nchw = values.Any(v => v.Nchw);
            if (values.Count == 2 && values[0].Nchw != values[1].Nchw && values.All(v => v.Rank > 0))
                throw new TfjsConversionException($"{_file}: '{name}' mixes an image tensor with a {values.First(v => !v.Nchw).Rank}-D one; not supported");
            var rank = values.Max(v => v.Rank);
            string Operand(object o, int i) => o switch
            {
                Value v => v.Name,
                Constant c => Init(PerChannel(c, $"{name}/c{i}", nchw)),
                _ => throw new InvalidOperationException(),
            };
            var inputs = new[] { Operand(left, 0), Operand(right, 1) };
            foreach (var c in new[] { left, right }.OfType<Constant>()) rank = Math.Max(rank, c.Shape.Length);
            return new Value(Emit(onnxOp, inputs, name), rank, nchw);
        }

        /// <summary>A constant in an elementwise op: as is, or (beside an NCHW tensor) a [C] vector as [C,1,1], a 4-D NHWC one as NCHW.</summary>
        private static Onnx.Initializer PerChannel(Constant c, string name, bool nchw)
        {
            var count = c.Values.Length;
            if (!nchw || count == 1) return Onnx.FloatTensor(name, [.. c.Shape.Select(d => (long)d)], c.Values);
            if (c.Shape.Length == 1) return Onnx.FloatTensor(name, [count, 1, 1], c.Values);
            if (c.Shape.Length == 4)
            {
                int n = c.Shape[0], h = c.Shape[1], w = c.Shape[2], ch = c.Shape[3];
                var t = new float[count];
                for (var a = 0; a < n; a++) for (var y = 0; y < h; y++) for (var x = 0; x < w; x++) for (var k = 0; k < ch; k++)
                    t[((a * ch + k) * h + y) * w + x] = c.Values[((a * h + y) * w + x) * ch + k];
                return Onnx.FloatTensor(name, [n, ch, h, w], t);
            }
            throw new TfjsConversionException($"constant {name} of shape [{string.Join(",", c.Shape)}] cannot be broadcast against an NCHW tensor");
        }

        private static readonly int[] NhwcToNchwAxis = [0, 2, 3, 1];

        private static long[] MapAxes(IEnumerable<int> axes, int rank, bool nchw) =>
            [.. axes.Select(a => a < 0 ? a + rank : a).Select(a => (long)(nchw ? NhwcToNchwAxis[a] : a)).Order()];

        /// <summary>Dropping axes from an NCHW tensor leaves the TF axis order only if channels go, or both H and W go.</summary>
        private void CheckDrop(string name, Value x, long[] dropped)
        {
            if (x.Nchw && !dropped.Contains(1) && !(dropped.Contains(2) && dropped.Contains(3)))
                throw new TfjsConversionException($"{_file}: '{name}' drops axes that would reorder an NCHW tensor; not supported");
        }

        private Value Reduce(string name, string op, JsonElement attr, Value x, int[] axes)
        {
            var keep = Bool(attr, "keep_dims");
            var mapped = MapAxes(axes, x.Rank, x.Nchw);
            if (!keep) CheckDrop(name, x, mapped);
            var result = op switch
            {
                "Sum" => Emit("ReduceSum", [x.Name, Init(Onnx.Int64Tensor(name + "/axes", [mapped.Length], mapped))], name, new Onnx.Attribute("keepdims", keep ? 1L : 0L)),
                "Mean" => Emit("ReduceMean", [x.Name], name, new("axes", mapped), new("keepdims", keep ? 1L : 0L)),
                _ => Emit("ReduceMax", [x.Name], name, new("axes", mapped), new("keepdims", keep ? 1L : 0L)),
            };
            return keep ? x with { Name = result } : new Value(result, x.Rank - mapped.Length, false);
        }

        private Value Squeeze(string name, JsonElement attr, Value x)
        {
            var dims = Ints(attr, "squeeze_dims", []);
            if (dims.Length == 0) throw new TfjsConversionException($"{_file}: Squeeze '{name}' without squeeze_dims is not supported");
            var mapped = MapAxes(dims.Select(d => (int)d), x.Rank, x.Nchw);
            CheckDrop(name, x, mapped);
            return new Value(Emit("Squeeze", [x.Name, Init(Onnx.Int64Tensor(name + "/axes", [mapped.Length], mapped))], name), x.Rank - mapped.Length, false);
        }

        private Value Reshape(string name, Value x, int[] shape)
        {
            if (x.Nchw) x = ToNhwc(x);
            var y = Emit("Reshape", [x.Name, Init(Onnx.Int64Tensor(name + "/shape", [shape.Length], [.. shape.Select(s => (long)s)]))], shape.Length == 4 ? name + "/nhwc" : name);
            if (shape.Length != 4) return new Value(y, shape.Length, false);
            return new Value(Emit("Transpose", [y], name, new Onnx.Attribute("perm", new long[] { 0, 3, 1, 2 })), 4, true);
        }

        private Value ToNhwc(Value x) => new(Emit("Transpose", [x.Name], x.Name + "/nhwc", new Onnx.Attribute("perm", new long[] { 0, 2, 3, 1 })), 4, false);

        private Value Pool(string name, string op, JsonElement attr, Value x)
        {
            if (!x.Nchw) throw new TfjsConversionException($"{_file}: {op} '{name}' needs a 4-D image tensor");
            var k = Ints(attr, "ksize", [1, 1, 1, 1]);
            var s = Ints(attr, "strides", [1, 1, 1, 1]);
            return x with
            {
                Name = Emit(op == "MaxPool" ? "MaxPool" : "AveragePool", [x.Name], name,
                    new("kernel_shape", new[] { k[1], k[2] }), new("strides", new[] { s[1], s[2] }), Padding(name, attr)),
            };
        }

        private Value Concat(string name, object[] parts, int axis)
        {
            var values = parts.Select(p => Runtime(p, name)).ToList();
            var nchw = values[0].Nchw;
            if (values.Any(v => v.Nchw != nchw)) throw new TfjsConversionException($"{_file}: ConcatV2 '{name}' mixes layouts");
            var mapped = MapAxes([axis], values[0].Rank, nchw)[0];
            return values[0] with { Name = Emit("Concat", [.. values.Select(v => v.Name)], name, new Onnx.Attribute("axis", mapped)) };
        }

        private Value Pad(string name, Value x, int[] paddings)
        {
            var rank = paddings.Length / 2;
            var begin = new long[rank];
            var end = new long[rank];
            for (var a = 0; a < rank; a++)
            {
                var to = x.Nchw ? NhwcToNchwAxis[a] : a;
                begin[to] = paddings[2 * a];
                end[to] = paddings[2 * a + 1];
            }
            return x with { Name = Emit("Pad", [x.Name, Init(Onnx.Int64Tensor(name + "/pads", [2 * rank], [.. begin, .. end]))], name) };
        }

        // ---------------------------------------------------------------- helpers

        private Onnx.Attribute Padding(string name, JsonElement attr)
        {
            switch (Str(attr, "padding", "VALID"))
            {
                case "SAME": return new("auto_pad", "SAME_UPPER");
                case "VALID": return new("auto_pad", "VALID");
                case "EXPLICIT":
                {
                    var p = Ints(attr, "explicit_paddings", []);
                    if (p.Length != 8) throw new TfjsConversionException($"{_file}: '{name}' has {p.Length} explicit paddings, expected 8");
                    return new("pads", new[] { p[2], p[4], p[3], p[5] });
                }
                default: throw new TfjsConversionException($"{_file}: '{name}' has unsupported padding {Str(attr, "padding", "")}");
            }
        }

        private string Emit(string op, string[] inputs, string output, params Onnx.Attribute[] attributes)
        {
            _onnx.Add(new Onnx.Node(op, inputs, [output], $"{op}_{_counter++}", attributes));
            return output;
        }

        private string Init(Onnx.Initializer t)
        {
            _initializers[t.Name] = t;
            return t.Name;
        }

        private Value Runtime(object o, string name) =>
            o as Value ?? throw new TfjsConversionException($"{_file}: '{name}' computes on a constant where a tensor was expected; not supported");

        private Constant Const(object o, string name) =>
            o as Constant ?? throw new TfjsConversionException($"{_file}: '{name}' needs a constant (weights) input");

        private int[] ConstInts(object o, string name) => [.. Const(o, name).Values.Select(v => (int)v)];

        private static string[] Fused(JsonElement attr) =>
            attr.ValueKind == JsonValueKind.Object && attr.TryGetProperty("fused_ops", out var f) && f.GetProperty("list").TryGetProperty("s", out var s)
                ? [.. s.EnumerateArray().Select(x => Encoding.UTF8.GetString(x.GetBytesFromBase64()))]
                : [];

        private static string Str(JsonElement attr, string key, string fallback) =>
            attr.ValueKind == JsonValueKind.Object && attr.TryGetProperty(key, out var v) && v.TryGetProperty("s", out var s)
                ? Encoding.UTF8.GetString(s.GetBytesFromBase64())
                : fallback;

        private static bool Bool(JsonElement attr, string key) =>
            attr.ValueKind == JsonValueKind.Object && attr.TryGetProperty(key, out var v) && v.TryGetProperty("b", out var b) && b.GetBoolean();

        private static long[] Ints(JsonElement attr, string key, long[] fallback) =>
            attr.ValueKind == JsonValueKind.Object && attr.TryGetProperty(key, out var v) && v.TryGetProperty("list", out var l) && l.TryGetProperty("i", out var i)
                ? [.. i.EnumerateArray().Select(x => long.Parse(x.GetString()!, System.Globalization.CultureInfo.InvariantCulture))]
                : fallback;
    }
}
