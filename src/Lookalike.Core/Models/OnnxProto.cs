using System.Text;

namespace Lookalike.Models;

/// <summary>
/// The few ONNX protobuf messages <see cref="TfjsToOnnx"/> writes (ModelProto, GraphProto, NodeProto, AttributeProto,
/// TensorProto, ValueInfoProto), encoded by hand: field numbers from onnx.proto (onnx/onnx, opset 13 era).
/// </summary>
internal sealed class ProtoWriter
{
    private readonly MemoryStream _stream = new();

    public byte[] ToArray() => _stream.ToArray();

    private void Tag(int field, int wireType) => Varint((ulong)((field << 3) | wireType));

    private void Varint(ulong value)
    {
        while (value >= 0x80)
        {
            _stream.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        _stream.WriteByte((byte)value);
    }

    /// <summary>One field: its varint for wire type 0, else its payload as is (length-prefixed for wire type 2).</summary>
    public ProtoWriter Field(int field, int wireType, ulong varint, ReadOnlySpan<byte> payload)
    {
        Tag(field, wireType);
        if (wireType == 0)
        {
            Varint(varint);
            return this;
        }
        if (wireType == 2) Varint((ulong)payload.Length);
        _stream.Write(payload);
        return this;
    }

    public ProtoWriter Int(int field, long value) => Field(field, 0, (ulong)value, []);

    public ProtoWriter Float(int field, float value)
    {
        Tag(field, 5);
        Span<byte> b = stackalloc byte[4];
        BitConverter.TryWriteBytes(b, value);
        if (!BitConverter.IsLittleEndian) b.Reverse();
        _stream.Write(b);
        return this;
    }

    public ProtoWriter Bytes(int field, ReadOnlySpan<byte> value) => Field(field, 2, 0, value);

    public ProtoWriter String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    public ProtoWriter Message(int field, Action<ProtoWriter> body)
    {
        var inner = new ProtoWriter();
        body(inner);
        return Bytes(field, inner.ToArray());
    }
}

/// <summary>ONNX element types and message builders used by the converter, and by the quantiser for the nodes and tensors it adds.</summary>
internal static class Onnx
{
    public const int Float = 1;
    public const int Uint8 = 2;
    public const int Int8 = 3;
    public const int Int32 = 6;
    public const int Int64 = 7;

    // AttributeProto.AttributeType
    private const int AttrFloat = 1, AttrInt = 2, AttrString = 3, AttrInts = 7;

    public sealed record Attribute(string Name, object Value);

    public sealed record Node(string OpType, string[] Inputs, string[] Outputs, string Name, Attribute[] Attributes);

    public sealed record Initializer(string Name, long[] Dims, int DataType, byte[] Raw);

    public static Initializer FloatTensor(string name, long[] dims, ReadOnlySpan<float> values)
    {
        var raw = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++) BitConverter.TryWriteBytes(raw.AsSpan(4 * i), values[i]);
        return new Initializer(name, dims, Float, raw);
    }

    public static Initializer Int64Tensor(string name, long[] dims, ReadOnlySpan<long> values)
    {
        var raw = new byte[values.Length * 8];
        for (var i = 0; i < values.Length; i++) BitConverter.TryWriteBytes(raw.AsSpan(8 * i), values[i]);
        return new Initializer(name, dims, Int64, raw);
    }

    /// <summary>A ModelProto (IR version 8) with one graph: float input of a fixed shape, float outputs of any shape.</summary>
    public static byte[] Model(string graphName, int opset, string producer, (string Name, long[] Shape) input, IEnumerable<string> outputs,
                               IEnumerable<Node> nodes, IEnumerable<Initializer> initializers, string docString)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("the ONNX writer assumes a little-endian machine");
        var model = new ProtoWriter()
            .Int(1, 8)                                   // ir_version
            .String(2, producer)                         // producer_name
            .String(6, docString)                        // doc_string
            .Message(8, o => o.String(1, "").Int(2, opset)) // opset_import
            .Message(7, g =>
            {
                foreach (var n in nodes) g.Message(1, w => WriteNode(w, n));
                g.String(2, graphName);
                foreach (var t in initializers) g.Message(5, w => WriteTensor(w, t));
                g.Message(11, w => WriteValueInfo(w, input.Name, input.Shape));
                foreach (var o in outputs) g.Message(12, w => WriteValueInfo(w, o, null));
            });
        return model.ToArray();
    }

    /// <summary>A NodeProto's bytes (for <see cref="ProtoMessage"/> edits of a graph read from a file).</summary>
    public static byte[] NodeBytes(Node n) => Encode(w => WriteNode(w, n));

    /// <summary>A TensorProto's bytes.</summary>
    public static byte[] TensorBytes(Initializer t) => Encode(w => WriteTensor(w, t));

    /// <summary>A ValueInfoProto's bytes: a float tensor, of <paramref name="shape"/> or of any shape when null.</summary>
    public static byte[] ValueInfoBytes(string name, long[]? shape) => Encode(w => WriteValueInfo(w, name, shape));

    private static byte[] Encode(Action<ProtoWriter> write)
    {
        var w = new ProtoWriter();
        write(w);
        return w.ToArray();
    }

    private static void WriteNode(ProtoWriter w, Node n)
    {
        foreach (var i in n.Inputs) w.String(1, i);
        foreach (var o in n.Outputs) w.String(2, o);
        w.String(3, n.Name);
        w.String(4, n.OpType);
        foreach (var a in n.Attributes)
        {
            w.Message(5, x =>
            {
                x.String(1, a.Name);
                switch (a.Value)
                {
                    case float f: x.Float(2, f).Int(20, AttrFloat); break;
                    case int i: x.Int(3, i).Int(20, AttrInt); break;
                    case long l: x.Int(3, l).Int(20, AttrInt); break;
                    case string s: x.String(4, s).Int(20, AttrString); break;
                    case long[] ints:
                        foreach (var v in ints) x.Int(8, v);
                        x.Int(20, AttrInts);
                        break;
                    default: throw new ArgumentException($"attribute {a.Name}: unsupported value {a.Value}");
                }
            });
        }
    }

    private static void WriteTensor(ProtoWriter w, Initializer t)
    {
        foreach (var d in t.Dims) w.Int(1, d);
        w.Int(2, t.DataType);
        w.String(8, t.Name);
        w.Bytes(9, t.Raw);
    }

    private static void WriteValueInfo(ProtoWriter w, string name, long[]? shape)
    {
        w.String(1, name);
        w.Message(2, type => type.Message(1, tensor =>
        {
            tensor.Int(1, Float);
            if (shape is not null) tensor.Message(2, s => { foreach (var d in shape) s.Message(1, dim => dim.Int(1, d)); });
        }));
    }
}
