using System.Numerics.Tensors;
using Lookalike.Faces;
using Lookalike.Imaging;
using Lookalike.Search;
using SkiaSharp;

namespace Lookalike.Pictures;

/// <summary>
/// The mean face of a set of photos. Every face is first aligned by a similarity transform of its five points onto a
/// template in a square that keeps forehead and chin (the ArcFace template scaled 1.6x around the nose, 256 px), then
/// warped piecewise-affinely (Delaunay triangles over the 68 landmarks plus 8 border points) onto the mean landmark
/// shape, and the pixels are averaged. With the similarity alone, features line up only near the five points and the
/// jaw, brows and nose blur; after the warp they all sit on the same pixels, so the mean stays sharp.
/// </summary>
public static class AverageFace
{
    /// <summary>Side in pixels of the average face picture.</summary>
    public const int Size = 256;

    /// <summary>The 5-point template at 256 px: ArcFace's 112-px template scaled 1.6x with the nose at (128, 140).</summary>
    public static readonly PointF[] Template = TemplateFor(Size);

    /// <summary>
    /// The 5-point template for a square of <paramref name="size"/> px. Scale 1.6 (of 112 → 256) keeps forehead and
    /// chin: the mean 68-point shape of the 24 celebs-24 averages has the brows at y≈0.34 of the square (88 px of
    /// forehead above them), the eyes at 0.42, the mouth corners at 0.66 and the chin at 0.82 (46 px below it).
    /// </summary>
    public static PointF[] TemplateFor(int size)
    {
        var k = size / (float)Size;
        return [.. FaceAligner.Template.Select(p => new PointF(((p.X - 56.0252f) * 1.6f + 128) * k, ((p.Y - 71.7366f) * 1.6f + 140) * k))];
    }

    /// <summary>Finds the largest face in an image and aligns it onto the template; null when there is no face.</summary>
    public static AlignedFace? Prepare(FacePipeline pipeline, SKBitmap image, int size = Size)
    {
        if (pipeline.Analyze(image).Largest is not { } face) return null;
        var template = TemplateFor(size);
        var m = FaceAligner.EstimateSimilarity(face.FivePoints, template);
        var landmarks = face.Landmarks.Select(p => { var q = m.MapPoint(p.X, p.Y); return new PointF(q.X, q.Y); }).ToArray();
        // Same pixel-centre correction as FaceAligner.Align, but cleared to transparent so the part of the square
        // outside the photo is known and left out of the mean instead of darkening it.
        m.TransX = m.TransX - 0.5f * (m.ScaleX + m.SkewX) + 0.5f;
        m.TransY = m.TransY - 0.5f * (m.SkewY + m.ScaleY) + 0.5f;
        var aligned = new SKBitmap(new SKImageInfo(size, size, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(aligned))
        {
            canvas.Clear(SKColors.Transparent);
            canvas.SetMatrix(m);
            using var img = SKImage.FromBitmap(image);
            canvas.DrawImage(img, 0, 0, Sampling.Smooth);
        }
        FeatherEdges(aligned, m, image.Width, image.Height);
        return new AlignedFace(aligned, landmarks, face.Embedding);
    }

    /// <summary>
    /// Fades alpha to 0 over the last 6 % of the photo towards its edges and drops near-black pixels. A hard photo
    /// edge (a 112-px crop inside the 256-px square, a thumbnail's black padding) otherwise leaves a visible seam in
    /// the mean wherever some faces end and others go on.
    /// </summary>
    private static void FeatherEdges(SKBitmap aligned, SKMatrix toAligned, int width, int height)
    {
        if (!toAligned.TryInvert(out var toSource)) return;
        var feather = Math.Max(2f, 0.06f * Math.Min(width, height));
        var px = aligned.GetPixelSpan();
        for (var y = 0; y < aligned.Height; y++)
            for (var x = 0; x < aligned.Width; x++)
            {
                var i = 4 * (y * aligned.Width + x);
                if (px[i + 3] == 0) continue;
                if (px[i] <= 8 && px[i + 1] <= 8 && px[i + 2] <= 8) { px[i] = px[i + 1] = px[i + 2] = px[i + 3] = 0; continue; }
                // Skia's matrix maps pixel corners; x + 0.5 is this pixel's centre.
                var s = toSource.MapPoint(x + 0.5f, y + 0.5f);
                var d = Math.Min(Math.Min(s.X, s.Y), Math.Min(width - s.X, height - s.Y));
                if (d >= feather) continue;
                var k = Math.Clamp(d / feather, 0, 1);
                for (var c = 0; c < 4; c++) px[i + c] = (byte)Math.Round(px[i + c] * k);
            }
    }

    /// <summary>
    /// The average face of image files (unreadable files and images without a face are skipped), analysed
    /// <paramref name="workers"/> at a time; null when no image had a face.
    /// </summary>
    public static AverageFaceResult? FromFiles(FacePipeline pipeline, IReadOnlyList<string> paths, int size = Size, int workers = 2) =>
        FromLoaders(pipeline, [.. paths.Select(p => (Func<SKBitmap>)(() => ImageLoader.Load(p, pipeline.Options.Limits)))], size, workers);

    /// <summary>
    /// The average face of images given as loaders (a photo on disk, or a stored thumbnail when the photo is gone);
    /// each image is loaded, analysed and released <paramref name="workers"/> at a time, so only the small aligned
    /// squares are held. A loader that throws <see cref="ImageLoadException"/> or an I/O error is skipped; null when no face was found.
    /// </summary>
    public static AverageFaceResult? FromLoaders(FacePipeline pipeline, IReadOnlyList<Func<SKBitmap>> loaders, int size = Size, int workers = 2)
    {
        var prepared = new AlignedFace?[loaders.Count];
        Parallel.For(0, loaders.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, workers) }, i =>
        {
            SKBitmap image;
            try { image = loaders[i](); }
            catch (Exception e) when (e is ImageLoadException or IOException) { return; } // unreadable or gone meanwhile
            using (image) prepared[i] = Prepare(pipeline, image, size);
        });
        var faces = prepared.OfType<AlignedFace>().ToList(); // input order, so the result does not depend on timing
        try
        {
            return faces.Count == 0 ? null : Combine(faces, size);
        }
        finally
        {
            faces.ForEach(f => f.Dispose());
        }
    }

    /// <summary>Warps every aligned face onto the mean landmark shape and averages the pixels.</summary>
    public static AverageFaceResult Combine(IReadOnlyList<AlignedFace> faces, int size = Size)
    {
        if (faces.Count == 0) throw new ArgumentException("no faces to average", nameof(faces));
        var shape = new PointF[faces[0].Landmarks.Length];
        for (var k = 0; k < shape.Length; k++)
            shape[k] = new PointF(faces.Average(f => f.Landmarks[k].X), faces.Average(f => f.Landmarks[k].Y));
        var target = WithBorder(shape, size);
        var triangles = FaceWarp.Triangulate(target);
        var sum = new double[size * size * 3];
        var weight = new double[size * size];
        foreach (var face in faces)
        {
            using var warped = FaceWarp.Warp(face.Image, WithBorder(face.Landmarks, size), target, triangles, size);
            Accumulate(warped, sum, weight, 1);
        }
        return new AverageFaceResult(ToBitmap(sum, weight, size, faces.Count), shape, faces.Count, [.. faces.Select(f => f.Embedding)]);
    }

    /// <summary>
    /// A morph between two average faces, shape and texture: both are warped onto the interpolated landmark shape
    /// and cross-dissolved. <paramref name="ratio"/> 0 = a, 1 = b.
    /// </summary>
    public static AverageFaceResult Blend(AverageFaceResult a, AverageFaceResult b, float ratio)
    {
        if (a.Size != b.Size) throw new ArgumentException("both average faces must have the same size");
        ratio = Math.Clamp(ratio, 0, 1);
        var size = a.Size;
        var shape = a.Shape.Zip(b.Shape, (p, q) => new PointF(p.X + (q.X - p.X) * ratio, p.Y + (q.Y - p.Y) * ratio)).ToArray();
        var target = WithBorder(shape, size);
        var triangles = FaceWarp.Triangulate(target);
        var sum = new double[size * size * 3];
        var weight = new double[size * size];
        using (var wa = FaceWarp.Warp(a.Image, WithBorder(a.Shape, size), target, triangles, size)) Accumulate(wa, sum, weight, 1 - ratio);
        using (var wb = FaceWarp.Warp(b.Image, WithBorder(b.Shape, size), target, triangles, size)) Accumulate(wb, sum, weight, ratio);
        return new AverageFaceResult(ToBitmap(sum, weight, size, 1), shape, a.Faces + b.Faces, [.. a.Embeddings, .. b.Embeddings]);
    }

    /// <summary>
    /// Embeds the average picture and scores it against the faces that made it and, with a gallery index, against
    /// every identity: the average is "recognised" when <paramref name="identity"/> ranks first.
    /// </summary>
    public static AverageRecognition Recognise(FacePipeline pipeline, AverageFaceResult average, IFaceSearch? index, string? identity, int top = 5)
    {
        if (pipeline.Analyze(average.Image).Largest is not { } face)
            return new AverageRecognition(false, null, identity, null, null, null, null, []);
        double? mean = average.Embeddings.Count == 0 ? null : average.Embeddings.Average(e => (double)TensorPrimitives.Dot(e, face.Embedding));
        if (index is null || index.Count == 0) return new AverageRecognition(true, mean, identity, null, null, null, null, []);
        var all = index.Search(face.Embedding, index.IdentityCount);
        var own = identity is null ? -1 : all.ToList().FindIndex(m => m.Identity == identity);
        var other = all.FirstOrDefault(m => m.Identity != identity);
        return new AverageRecognition(true, mean, identity, own < 0 ? null : all[own].Similarity, other?.Identity, other?.Similarity,
            own < 0 ? null : own + 1, [.. all.Take(top)]);
    }

    /// <summary>
    /// The plain mean of already aligned faces of one size (the gallery's stored 112x112 thumbnails) without running
    /// any model: what the web app shows quickly for a person whose photos are not on disk.
    /// </summary>
    public static SKBitmap OfAligned(IReadOnlyList<SKBitmap> aligned)
    {
        if (aligned.Count == 0) throw new ArgumentException("no faces to average", nameof(aligned));
        var size = aligned[0].Width;
        var sum = new double[size * size * 3];
        var weight = new double[size * size];
        foreach (var a in aligned)
        {
            if (a.Width != size || a.Height != size) throw new ArgumentException("aligned faces must share one size");
            Accumulate(a, sum, weight, 1, blackIsEmpty: true);
        }
        return ToBitmap(sum, weight, size, aligned.Count);
    }

    private static PointF[] WithBorder(PointF[] landmarks, int size) => [.. landmarks, .. FaceWarp.Border(size)];

    /// <summary>
    /// Adds premultiplied pixels weighted by alpha, so transparent parts (outside a photo) do not count. Stored
    /// thumbnails are opaque with black where the photo ended: <paramref name="blackIsEmpty"/> leaves those out.
    /// </summary>
    private static void Accumulate(SKBitmap image, double[] sum, double[] weight, double scale, bool blackIsEmpty = false)
    {
        var px = image.GetPixelSpan();
        var n = image.Width * image.Height;
        for (var i = 0; i < n; i++)
        {
            var alpha = px[4 * i + 3] / 255.0;
            if (alpha == 0 || blackIsEmpty && px[4 * i] == 0 && px[4 * i + 1] == 0 && px[4 * i + 2] == 0) continue;
            sum[3 * i] += scale * px[4 * i];
            sum[3 * i + 1] += scale * px[4 * i + 1];
            sum[3 * i + 2] += scale * px[4 * i + 2];
            weight[i] += scale * alpha;
        }
    }

    /// <summary>
    /// Divides by the weights (un-premultiplying). Where fewer than half of the faces (of <paramref name="total"/>)
    /// cover a pixel, the mean fades to black in proportion: else the outer rim would show one or two faces' edges
    /// at full strength, a ragged frame around the face.
    /// </summary>
    private static SKBitmap ToBitmap(double[] sum, double[] weight, int size, double total)
    {
        var bitmap = new SKBitmap(new SKImageInfo(size, size, SKColorType.Rgba8888, SKAlphaType.Premul));
        var px = bitmap.GetPixelSpan();
        for (var i = 0; i < size * size; i++)
        {
            var w = weight[i];
            var fade = Math.Min(1, w / (0.5 * total));
            for (var c = 0; c < 3; c++) px[4 * i + c] = w < 1e-3 ? (byte)0 : (byte)Math.Clamp(Math.Round(fade * sum[3 * i + c] / w), 0, 255);
            px[4 * i + 3] = 255;
        }
        return bitmap;
    }
}
