using Lookalike.Faces;

namespace Lookalike.Evaluation;

/// <summary>An image's largest face as <see cref="EmbeddingCache"/> keeps it, with the size of the image it was found in.</summary>
/// <param name="Face">The face (box, scores, landmarks, unit embedding, raw norm, thumbnail).</param>
/// <param name="ImageWidth">Width of the analysed image in pixels.</param>
/// <param name="ImageHeight">Height of the analysed image in pixels.</param>
public sealed record CachedFace(Face Face, int ImageWidth, int ImageHeight)
{
    /// <summary>Writes the face in the cache's binary layout.</summary>
    public void Write(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(ImageWidth);
        writer.Write(ImageHeight);
        var f = Face;
        writer.Write(f.Box.X); writer.Write(f.Box.Y); writer.Write(f.Box.Width); writer.Write(f.Box.Height);
        writer.Write(f.Score);
        writer.Write(f.Norm);
        writer.Write(f.CropScore);
        writer.Write((int)f.Source);
        writer.Write(f.Landmarks.Length);
        foreach (var p in f.Landmarks) { writer.Write(p.X); writer.Write(p.Y); }
        writer.Write(f.Embedding.Length);
        foreach (var v in f.Embedding) writer.Write(v);
        writer.Write(f.Thumbnail.Length);
        writer.Write(f.Thumbnail);
        writer.Write(f.Quality);
    }

    /// <summary>Reads a face written by <see cref="Write"/>.</summary>
    /// <exception cref="FormatException">The stored lengths are out of range.</exception>
    public static CachedFace Read(BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        int w = reader.ReadInt32(), h = reader.ReadInt32();
        var box = new Box(reader.ReadSingle(), reader.ReadSingle(), reader.ReadSingle(), reader.ReadSingle());
        float score = reader.ReadSingle(), norm = reader.ReadSingle(), crop = reader.ReadSingle();
        var source = (FaceSource)reader.ReadInt32();
        var n = reader.ReadInt32();
        if (n is < 0 or > 1000) throw new FormatException("bad landmark count");
        var landmarks = new PointF[n];
        for (var i = 0; i < n; i++) landmarks[i] = new PointF(reader.ReadSingle(), reader.ReadSingle());
        var d = reader.ReadInt32();
        if (d is < 0 or > 1 << 16) throw new FormatException("bad embedding length");
        var embedding = new float[d];
        for (var i = 0; i < d; i++) embedding[i] = reader.ReadSingle();
        var t = reader.ReadInt32();
        if (t is < 0 or > 1 << 24) throw new FormatException("bad thumbnail length");
        var thumbnail = reader.ReadBytes(t);
        var quality = reader.ReadSingle();
        return new CachedFace(new Face(box, score, landmarks, embedding, norm, crop, source, thumbnail) { Quality = quality }, w, h);
    }
}
