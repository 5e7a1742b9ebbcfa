using System.Buffers.Binary;
using System.Text;

namespace Lookalike.Training.Onnx;

/// <summary>An ONNX tensor (initializer or Constant value). Float data keeps its byte position in the file so that trained
/// weights can be written back in place.</summary>
public sealed record OnnxTensor(string Name, long[] Dims, int DataType, float[]? Floats, long[]? Longs, int DataOffset, int DataLength)
{
    public const int Float = 1, Int64 = 7;
    public long Elements => Dims.Aggregate(1L, (a, b) => a * b);
}

public sealed record OnnxAttribute(string Name, float F, long I, string? S, float[] Floats, long[] Ints, OnnxTensor? T);

public sealed record OnnxNode(string Name, string OpType, string[] Inputs, string[] Outputs, IReadOnlyDictionary<string, OnnxAttribute> Attributes)
{
    public long Int(string name, long fallback) => Attributes.TryGetValue(name, out var a) ? a.I : fallback;
    public float Float(string name, float fallback) => Attributes.TryGetValue(name, out var a) ? a.F : fallback;
    public long[] Ints(string name, long[] fallback) => Attributes.TryGetValue(name, out var a) ? a.Ints : fallback;
}

/// <summary>
/// A minimal reader of the ONNX protobuf (ModelProto → GraphProto: nodes, initializers, inputs, outputs), written on the
/// protobuf wire format directly: the parts of onnx.proto this project needs are a few dozen lines, and keeping byte
/// positions makes the export exact (<see cref="WithWeights"/> changes only the bytes of the float initializers).
/// </summary>
public sealed class OnnxFile
{
    private readonly byte[] _bytes;

    private OnnxFile(byte[] bytes)
    {
        _bytes = bytes;
        var model = new Reader(bytes, 0, bytes.Length);
        while (model.Next(out var field, out var wire))
        {
            if (field == 7 && wire == 2) ReadGraph(model.Sub());
            else if (field == 8 && wire == 2)
            {
                var op = model.Sub();
                string domain = "";
                long version = 0;
                while (op.Next(out var f, out var w))
                    if (f == 1 && w == 2) domain = op.String();
                    else if (f == 2 && w == 0) version = (long)op.Varint();
                    else op.Skip(w);
                if (domain is "" or "ai.onnx") Opset = version;
            }
            else model.Skip(wire);
        }
    }

    public static OnnxFile Load(string path) => new(File.ReadAllBytes(path));
    public static OnnxFile Parse(byte[] bytes) => new((byte[])bytes.Clone());

    public long Opset { get; private set; }
    public List<OnnxNode> Nodes { get; } = [];
    public Dictionary<string, OnnxTensor> Initializers { get; } = new(StringComparer.Ordinal);
    public List<string> Inputs { get; } = [];
    public List<string> Outputs { get; } = [];

    /// <summary>A copy of the original file with the float initializers named in <paramref name="weights"/> replaced
    /// (same element count); every other byte stays as it was.</summary>
    public byte[] WithWeights(IReadOnlyDictionary<string, float[]> weights)
    {
        var copy = (byte[])_bytes.Clone();
        foreach (var (name, values) in weights)
        {
            if (!Initializers.TryGetValue(name, out var t) || t.DataType != OnnxTensor.Float)
                throw new ArgumentException($"no float initializer '{name}' in the graph");
            if (values.Length * 4 != t.DataLength)
                throw new ArgumentException($"initializer '{name}' holds {t.DataLength / 4} floats, got {values.Length}");
            var span = copy.AsSpan(t.DataOffset, t.DataLength);
            for (var i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(span[(i * 4)..], values[i]);
        }
        return copy;
    }

    private void ReadGraph(Reader g)
    {
        var initializerNames = new HashSet<string>();
        while (g.Next(out var field, out var wire))
        {
            switch (field, wire)
            {
                case (1, 2): Nodes.Add(ReadNode(g.Sub())); break;
                case (5, 2): { var t = ReadTensor(g.Sub()); Initializers[t.Name] = t; break; }
                case (11, 2): Inputs.Add(ReadValueInfoName(g.Sub())); break;
                case (12, 2): Outputs.Add(ReadValueInfoName(g.Sub())); break;
                default: g.Skip(wire); break;
            }
        }
        // Older exporters list initializers among the graph inputs too; the real input is the one that is not one.
        Inputs.RemoveAll(Initializers.ContainsKey);
    }

    private static string ReadValueInfoName(Reader r)
    {
        var name = "";
        while (r.Next(out var f, out var w))
            if (f == 1 && w == 2) name = r.String(); else r.Skip(w);
        return name;
    }

    private static OnnxNode ReadNode(Reader r)
    {
        List<string> inputs = [], outputs = [];
        string name = "", op = "";
        var attributes = new Dictionary<string, OnnxAttribute>(StringComparer.Ordinal);
        while (r.Next(out var f, out var w))
        {
            switch (f, w)
            {
                case (1, 2): inputs.Add(r.String()); break;
                case (2, 2): outputs.Add(r.String()); break;
                case (3, 2): name = r.String(); break;
                case (4, 2): op = r.String(); break;
                case (5, 2): { var a = ReadAttribute(r.Sub()); attributes[a.Name] = a; break; }
                default: r.Skip(w); break;
            }
        }
        return new OnnxNode(name.Length > 0 ? name : outputs.FirstOrDefault() ?? op, op, [.. inputs], [.. outputs], attributes);
    }

    private static OnnxAttribute ReadAttribute(Reader r)
    {
        string name = "";
        string? s = null;
        float fl = 0;
        long i = 0;
        List<float> floats = [];
        List<long> ints = [];
        OnnxTensor? t = null;
        while (r.Next(out var f, out var w))
        {
            switch (f, w)
            {
                case (1, 2): name = r.String(); break;
                case (2, 5): fl = r.Fixed32Float(); break;
                case (3, 0): i = (long)r.Varint(); break;
                case (4, 2): s = r.String(); break;
                case (5, 2): t = ReadTensor(r.Sub()); break;
                case (7, 5): floats.Add(r.Fixed32Float()); break;
                case (7, 2): { var p = r.Sub(); while (!p.End) floats.Add(p.Fixed32Float()); break; }
                case (8, 0): ints.Add((long)r.Varint()); break;
                case (8, 2): { var p = r.Sub(); while (!p.End) ints.Add((long)p.Varint()); break; }
                default: r.Skip(w); break;
            }
        }
        return new OnnxAttribute(name, fl, i, s, [.. floats], [.. ints], t);
    }

    private static OnnxTensor ReadTensor(Reader r)
    {
        List<long> dims = [];
        var type = 0;
        var name = "";
        int rawStart = -1, rawLength = 0, floatStart = -1, floatLength = 0;
        List<long> int64Data = [];
        while (r.Next(out var f, out var w))
        {
            switch (f, w)
            {
                case (1, 0): dims.Add((long)r.Varint()); break;
                case (1, 2): { var p = r.Sub(); while (!p.End) dims.Add((long)p.Varint()); break; }
                case (2, 0): type = (int)r.Varint(); break;
                case (4, 2): { var p = r.Sub(); floatStart = p.Start; floatLength = p.Length; break; }
                case (4, 5): throw new NotSupportedException("unpacked float_data in an ONNX tensor");
                case (7, 0): int64Data.Add((long)r.Varint()); break;
                case (7, 2): { var p = r.Sub(); while (!p.End) int64Data.Add((long)p.Varint()); break; }
                case (8, 2): name = r.String(); break;
                case (9, 2): { var p = r.Sub(); rawStart = p.Start; rawLength = p.Length; break; }
                case (13, 2): throw new NotSupportedException("ONNX tensors with external data are not supported");
                default: r.Skip(w); break;
            }
        }
        var bytes = r.Bytes;
        var (start, length) = rawStart >= 0 ? (rawStart, rawLength) : (floatStart, floatLength);
        float[]? floats = null;
        long[]? longs = null;
        if (type == OnnxTensor.Float && start >= 0)
        {
            floats = new float[length / 4];
            for (var i = 0; i < floats.Length; i++) floats[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(start + i * 4));
        }
        else if (type == OnnxTensor.Int64)
        {
            longs = rawStart >= 0
                ? Enumerable.Range(0, rawLength / 8).Select(i => BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(rawStart + i * 8))).ToArray()
                : [.. int64Data];
        }
        return new OnnxTensor(name, [.. dims], type, floats, longs, start, length);
    }

    /// <summary>Protobuf wire-format cursor over a slice of the file (positions are absolute).</summary>
    private sealed class Reader(byte[] bytes, int start, int length)
    {
        private readonly int _start = start, _length = length;
        private int _pos = start;
        private readonly int _end = start + length;
        public byte[] Bytes => bytes;
        public int Start => _start;
        public int Length => _length;
        public bool End => _pos >= _end;

        public bool Next(out int field, out int wire)
        {
            if (End) { field = wire = 0; return false; }
            var tag = Varint();
            field = (int)(tag >> 3);
            wire = (int)(tag & 7);
            return true;
        }

        public ulong Varint()
        {
            ulong value = 0;
            for (var shift = 0; ; shift += 7)
            {
                if (_pos >= _end) throw new FormatException("truncated varint in ONNX file");
                var b = bytes[_pos++];
                value |= (ulong)(b & 0x7f) << shift;
                if (b < 0x80) return value;
            }
        }

        public float Fixed32Float()
        {
            var v = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(_pos));
            _pos += 4;
            return v;
        }

        public Reader Sub()
        {
            var n = (int)Varint();
            if (_pos + n > _end) throw new FormatException("truncated field in ONNX file");
            var sub = new Reader(bytes, _pos, n);
            _pos += n;
            return sub;
        }

        public string String()
        {
            var s = Sub();
            return Encoding.UTF8.GetString(bytes, s.Start, s.Length);
        }

        public void Skip(int wire)
        {
            switch (wire)
            {
                case 0: Varint(); break;
                case 1: _pos += 8; break;
                case 2: Sub(); break;
                case 5: _pos += 4; break;
                default: throw new FormatException($"unsupported protobuf wire type {wire} in ONNX file");
            }
        }
    }
}
