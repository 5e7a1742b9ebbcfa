using System.Text;

namespace Lookalike.Models;

/// <summary>
/// A protobuf message read field by field, in wire order, keeping every field's raw bytes (unknown ones included), so
/// a message read, edited and written again differs only where it was edited. Enough of the wire format for ONNX:
/// varint (0), fixed64 (1), length-delimited (2), fixed32 (5); groups (3, 4) are not used by onnx.proto.
/// </summary>
internal sealed class ProtoMessage
{
    /// <summary>One field: its number, wire type, and value (varint value, or the raw bytes of the other types).</summary>
    internal sealed record Field(int Number, int WireType, ulong Varint, byte[] Bytes)
    {
        public string Text => Encoding.UTF8.GetString(Bytes);

        public ProtoMessage Message => ProtoMessage.Parse(Bytes);

        public static Field Of(int number, long value) => new(number, 0, (ulong)value, []);

        public static Field Of(int number, string value) => new(number, 2, 0, Encoding.UTF8.GetBytes(value));

        public static Field Of(int number, byte[] value) => new(number, 2, 0, value);

        public static Field Of(int number, ProtoMessage value) => new(number, 2, 0, value.ToArray());

        public static Field OfFloat(int number, float value) => new(number, 5, 0, BitConverter.GetBytes(value));
    }

    public List<Field> Fields { get; } = [];

    public static ProtoMessage Parse(ReadOnlySpan<byte> data)
    {
        var message = new ProtoMessage();
        var at = 0;
        while (at < data.Length)
        {
            var key = ReadVarint(data, ref at);
            var number = (int)(key >> 3);
            var wire = (int)(key & 7);
            switch (wire)
            {
                case 0: message.Fields.Add(new Field(number, 0, ReadVarint(data, ref at), [])); break;
                case 1: message.Fields.Add(new Field(number, 1, 0, Take(data, ref at, 8))); break;
                case 2: message.Fields.Add(new Field(number, 2, 0, Take(data, ref at, checked((int)ReadVarint(data, ref at))))); break;
                case 5: message.Fields.Add(new Field(number, 5, 0, Take(data, ref at, 4))); break;
                default: throw new InvalidDataException($"protobuf wire type {wire} (field {number}) is not supported");
            }
        }
        return message;
    }

    private static byte[] Take(ReadOnlySpan<byte> data, ref int at, int length)
    {
        if (length < 0 || at + length > data.Length) throw new InvalidDataException("truncated protobuf message");
        var bytes = data.Slice(at, length).ToArray();
        at += length;
        return bytes;
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> data, ref int at)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (at >= data.Length) throw new InvalidDataException("truncated protobuf varint");
            var b = data[at++];
            value |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80) return value;
        }
        throw new InvalidDataException("protobuf varint longer than 10 bytes");
    }

    public IEnumerable<Field> All(int number) => Fields.Where(f => f.Number == number);

    public Field? First(int number) => Fields.FirstOrDefault(f => f.Number == number);

    public string String(int number) => First(number)?.Text ?? "";

    public IEnumerable<string> Strings(int number) => All(number).Select(f => f.Text);

    public long Int(int number, long fallback = 0) => First(number) is { } f ? (long)f.Varint : fallback;

    /// <summary>Repeated int64 field, packed or not.</summary>
    public IEnumerable<long> Ints(int number)
    {
        foreach (var f in All(number))
        {
            if (f.WireType == 0) yield return (long)f.Varint;
            else
            {
                var at = 0;
                while (at < f.Bytes.Length) yield return (long)ReadVarint(f.Bytes, ref at);
            }
        }
    }

    /// <summary>Replaces every field <paramref name="number"/> with <paramref name="fields"/>, at the first one's place (or the end).</summary>
    public void Replace(int number, IEnumerable<Field> fields)
    {
        var index = Fields.FindIndex(f => f.Number == number);
        Fields.RemoveAll(f => f.Number == number);
        Fields.InsertRange(index < 0 ? Fields.Count : index, fields);
    }

    public byte[] ToArray()
    {
        var w = new ProtoWriter();
        foreach (var f in Fields) w.Field(f.Number, f.WireType, f.Varint, f.Bytes);
        return w.ToArray();
    }
}
