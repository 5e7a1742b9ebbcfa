using System.Globalization;
using System.Net;
using System.Numerics.Tensors;
using System.Text;
using Lookalike.Gallery;
using SkiaSharp;

namespace Lookalike.Pictures;

/// <summary>
/// A 2-D map of gallery embeddings: exact t-SNE (perplexity 30, PCA start, deterministic; O(n²), so up to a few thousand
/// faces) or PCA beyond that; drawn as a PNG and as one self-contained HTML page (points coloured by identity, the face
/// on hover, a mosaic of thumbnails).
/// </summary>
public static class GalleryMap
{
    /// <summary>Above this many faces <see cref="Layout"/> uses PCA: exact t-SNE is O(n²) in time and memory.</summary>
    public const int TsneLimit = 5000;

    /// <summary>
    /// Faces a map shows by default (the web app's map): beyond this many the gallery is sampled (<see cref="Sample"/>),
    /// which bounds the t-SNE (O(n²): seconds at 2,000) and the page at any gallery size.
    /// </summary>
    public const int DefaultSampleFaces = 2000;

    /// <summary>
    /// The map of the faces of <paramref name="model"/> in <paramref name="store"/>: every face up to
    /// <paramref name="maxFaces"/>, else a sample of that many (<see cref="Sample"/>), laid out (<see cref="Layout"/>) and
    /// measured (<see cref="Quality"/>). Only the sampled faces' embeddings are read; thumbnails only when
    /// <paramref name="thumbnails"/> (a self-contained page inlines them; a server's page fetches them by URL).
    /// </summary>
    /// <param name="store">The gallery.</param>
    /// <param name="model">The embedding model whose faces are mapped.</param>
    /// <param name="maxFaces">Faces shown at most.</param>
    /// <param name="thumbnails">Read each shown face's thumbnail into its point.</param>
    /// <param name="cancellation">Stops the layout between iterations (a server shutting down).</param>
    /// <param name="pca">PCA only, no t-SNE (fast; the layout t-SNE starts from).</param>
    public static MapLayout Compute(IGalleryStore store, string model, int maxFaces = int.MaxValue, bool thumbnails = false, CancellationToken cancellation = default,
        bool pca = false)
    {
        ArgumentNullException.ThrowIfNull(store);
        var all = store.FaceIdentities(model);
        var faces = store.FacesById(Sample(all, maxFaces));
        var embeddings = faces.Select(f => f.Embedding).ToList();
        var layout = Layout(embeddings, pca, cancellation);
        cancellation.ThrowIfCancellationRequested();
        var quality = Quality(embeddings, layout, [.. faces.Select(f => f.Identity)]);
        var points = faces.Select((f, i) => new MapPoint(f.Identity, layout[i].X, layout[i].Y, thumbnails ? store.Thumbnail(f.Id) : null) { FaceId = f.Id }).ToList();
        return new MapLayout(points, quality, all.Count, all.Select(f => f.Identity).Distinct(StringComparer.Ordinal).Count());
    }

    /// <summary>Whether <see cref="Compute"/> lays out this many faces with t-SNE (else PCA): from 5 up to <see cref="TsneLimit"/>.</summary>
    public static bool UsesTsne(int faces) => faces is >= 5 and <= TsneLimit;

    /// <summary>
    /// A deterministic sample of at most <paramref name="limit"/> faces, stratified by person: every face when there are
    /// no more; else the same number q of each person's faces (all of those with fewer), q as large as fits, the rest of
    /// the room one more face each; and when not even 2 faces of everyone fit, 2 faces each of as many people as fit.
    /// People are taken in a fixed pseudo-random order (a hash of the name), so who gets the extra face does not
    /// follow the alphabet and one more person changes little; a person's faces are spread evenly over their ids.
    /// Returns face ids, ascending.
    /// </summary>
    public static List<long> Sample(IReadOnlyList<(long Id, string Identity)> faces, int limit)
    {
        const int MinFacesPerPerson = 2;
        ArgumentNullException.ThrowIfNull(faces);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        if (faces.Count <= limit) return [.. faces.Select(f => f.Id).Order()];
        var people = faces.GroupBy(f => f.Identity, StringComparer.Ordinal)
            .Select(g => (Name: g.Key, Ids: g.Select(f => f.Id).Order().ToArray()))
            .OrderBy(p => SqliteGalleryStore.Fnv1a(p.Name)).ThenBy(p => p.Name, StringComparer.Ordinal).ToList();
        var take = new int[people.Count];
        long Used(int q) => people.Sum(p => (long)Math.Min(p.Ids.Length, q));
        if (Used(MinFacesPerPerson) > limit)
        {
            // Too many people for that: as many of them as fit, 2 faces each (1 for those with one), so people still form pairs on the map.
            var room = limit;
            for (var i = 0; i < people.Count && room > 0; i++)
            {
                take[i] = Math.Min(Math.Min(people[i].Ids.Length, MinFacesPerPerson), room);
                room -= take[i];
            }
        }
        else
        {
            int lo = MinFacesPerPerson, hi = people.Max(p => p.Ids.Length); // Used(lo) <= limit < Used(max) = faces
            while (lo < hi)
            {
                var mid = lo + (hi - lo + 1) / 2;
                if (Used(mid) <= limit) lo = mid; else hi = mid - 1;
            }
            var room = limit - Used(lo);
            for (var i = 0; i < people.Count; i++)
            {
                take[i] = Math.Min(people[i].Ids.Length, lo);
                if (room > 0 && people[i].Ids.Length > lo) { take[i]++; room--; }
            }
        }
        var sample = new List<long>(limit);
        for (var i = 0; i < people.Count; i++)
        {
            var ids = people[i].Ids;
            for (var j = 0; j < take[i]; j++) sample.Add(ids[(int)((j + 0.5) * ids.Length / take[i])]);
        }
        sample.Sort();
        return sample;
    }

    /// <summary>t-SNE started from PCA (so the same embeddings always give the same map), or PCA alone.</summary>
    public static (float X, float Y)[] Layout(IReadOnlyList<float[]> x, bool forcePca = false, CancellationToken cancellation = default)
    {
        var start = Pca(x);
        return forcePca || !UsesTsne(x.Count) ? start : Tsne(x, start, cancellation: cancellation);
    }

    /// <summary>The two principal components (power iteration on the centred data).</summary>
    internal static (float X, float Y)[] Pca(IReadOnlyList<float[]> x)
    {
        var n = x.Count;
        if (n == 0) return [];
        var d = x[0].Length;
        var mean = new float[d];
        foreach (var v in x) TensorPrimitives.Add(mean, v, mean);
        TensorPrimitives.Divide(mean, n, mean);
        var centred = x.Select(v => { var c = new float[d]; TensorPrimitives.Subtract(v, mean, c); return c; }).ToArray();
        var components = new List<float[]>();
        var random = new Random(0);
        for (var k = 0; k < 2; k++)
        {
            var w = Enumerable.Range(0, d).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
            for (var iter = 0; iter < 50; iter++)
            {
                var next = new float[d];
                foreach (var c in centred)
                {
                    TensorPrimitives.MultiplyAdd(c, TensorPrimitives.Dot(c, w), next, next);
                }
                foreach (var prev in components) TensorPrimitives.MultiplyAdd(prev, -TensorPrimitives.Dot(next, prev), next, next);
                var norm = TensorPrimitives.Norm(next);
                if (norm < 1e-12) break;
                TensorPrimitives.Divide(next, norm, w);
            }
            components.Add(w);
        }
        return [.. centred.Select(c => (TensorPrimitives.Dot(c, components[0]), TensorPrimitives.Dot(c, components[1])))];
    }

    /// <summary>Exact t-SNE with early exaggeration and momentum (van der Maaten and Hinton, 2008).</summary>
    internal static (float X, float Y)[] Tsne(IReadOnlyList<float[]> x, (float X, float Y)[] start, double perplexity = 30, int iterations = 600, CancellationToken cancellation = default)
    {
        var n = x.Count;
        perplexity = Math.Min(perplexity, (n - 1) / 3.0);
        // Squared distances of normalised embeddings: 2 - 2·cos.
        var dist = new double[n * n];
        for (var i = 0; i < n; i++)
            for (var j = i + 1; j < n; j++)
                dist[i * n + j] = dist[j * n + i] = Math.Max(0, 2 - 2 * TensorPrimitives.Dot(x[i], x[j]));
        var p = new double[n * n];
        var logU = Math.Log(perplexity);
        for (var i = 0; i < n; i++)
        {
            double lo = 0, hi = double.PositiveInfinity, beta = 1;
            for (var step = 0; step < 60; step++)
            {
                double sum = 0, h = 0;
                for (var j = 0; j < n; j++)
                {
                    if (j == i) continue;
                    var v = Math.Exp(-dist[i * n + j] * beta);
                    p[i * n + j] = v;
                    sum += v;
                }
                sum = Math.Max(sum, 1e-300);
                for (var j = 0; j < n; j++) if (j != i) h += beta * dist[i * n + j] * p[i * n + j];
                h = h / sum + Math.Log(sum);
                for (var j = 0; j < n; j++) p[i * n + j] /= sum;
                if (Math.Abs(h - logU) < 1e-5) break;
                if (h > logU) { lo = beta; beta = double.IsPositiveInfinity(hi) ? beta * 2 : (beta + hi) / 2; }
                else { hi = beta; beta = (beta + lo) / 2; }
            }
        }
        for (var i = 0; i < n; i++)
            for (var j = i + 1; j < n; j++)
                p[i * n + j] = p[j * n + i] = Math.Max((p[i * n + j] + p[j * n + i]) / (2 * n), 1e-12);

        // Start from the PCA layout scaled to a small spread (deterministic), as recommended for t-SNE.
        var sx = Math.Max(1e-6, start.Select(s => Math.Abs(s.X)).Max());
        var y = new double[n * 2];
        for (var i = 0; i < n; i++) { y[2 * i] = start[i].X / sx * 1e-2; y[2 * i + 1] = start[i].Y / sx * 1e-2; }
        var velocity = new double[n * 2];
        var gains = Enumerable.Repeat(1.0, n * 2).ToArray();
        var q = new double[n * n];
        for (var iter = 0; iter < iterations; iter++)
        {
            cancellation.ThrowIfCancellationRequested();
            var exaggeration = iter < 100 ? 12.0 : 1.0;
            var momentum = iter < 100 ? 0.5 : 0.8;
            double z = 0;
            for (var i = 0; i < n; i++)
                for (var j = i + 1; j < n; j++)
                {
                    double dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1];
                    var v = 1 / (1 + dx * dx + dy * dy);
                    q[i * n + j] = q[j * n + i] = v;
                    z += 2 * v;
                }
            for (var i = 0; i < n; i++)
            {
                double gx = 0, gy = 0;
                for (var j = 0; j < n; j++)
                {
                    if (j == i) continue;
                    var mult = (exaggeration * p[i * n + j] - q[i * n + j] / z) * q[i * n + j];
                    gx += mult * (y[2 * i] - y[2 * j]);
                    gy += mult * (y[2 * i + 1] - y[2 * j + 1]);
                }
                for (var c = 0; c < 2; c++)
                {
                    var g = 4 * (c == 0 ? gx : gy);
                    var k = 2 * i + c;
                    gains[k] = Math.Sign(g) != Math.Sign(velocity[k]) ? gains[k] + 0.2 : Math.Max(0.01, gains[k] * 0.8);
                    velocity[k] = momentum * velocity[k] - 200 * gains[k] * g;
                }
            }
            for (var k = 0; k < y.Length; k++) y[k] += velocity[k];
        }
        return [.. Enumerable.Range(0, n).Select(i => ((float)y[2 * i], (float)y[2 * i + 1]))];
    }

    /// <summary>
    /// How well <paramref name="layout"/> keeps the structure of the embeddings <paramref name="x"/> (unit vectors, one per
    /// <paramref name="identities"/> entry). Both numbers are NaN for fewer than 12 points. O(n² log n).
    /// </summary>
    public static MapQuality Quality(IReadOnlyList<float[]> x, IReadOnlyList<(float X, float Y)> layout, IReadOnlyList<string> identities)
    {
        var n = x.Count;
        if (n < 12) return new MapQuality(double.NaN, double.NaN);
        double kept = 0, correct = 0;
        for (var i = 0; i < n; i++)
        {
            var ii = i;
            var high = Enumerable.Range(0, n).Where(j => j != ii).OrderByDescending(j => TensorPrimitives.Dot(x[ii], x[j])).Take(10).ToHashSet();
            var low = Enumerable.Range(0, n).Where(j => j != ii)
                .OrderBy(j => Sq(layout[ii].X - layout[j].X) + Sq(layout[ii].Y - layout[j].Y)).Take(10).ToList();
            kept += low.Count(high.Contains) / 10.0;
            var vote = low.Take(5).GroupBy(j => identities[j]).OrderByDescending(g => g.Count()).First().Key;
            if (vote == identities[i]) correct++;
        }
        return new MapQuality(kept / n, correct / n);
    }

    private static float Sq(float v) => v * v;

    /// <summary>
    /// Hues a golden angle apart, so identities next to each other in the (alphabetical) legend get clearly different
    /// colours; with evenly spaced hues, 24 people gave neighbours that were hard to tell apart.
    /// </summary>
    private static SKColor ColorOf(int index, int count)
    {
        var hue = index * 137.508f % 360f;
        return SKColor.FromHsl(hue, 70, index / 7 % 2 == 0 ? 45 : 58);
    }

    /// <summary>Draws the map as PNG: a <paramref name="size"/>-pixel square of points coloured by identity, names at cluster medians and a legend (up to 60 people), the quality in the title.</summary>
    public static byte[] Png(IReadOnlyList<MapPoint> points, MapQuality quality, int size = 900)
    {
        var identities = points.Select(p => p.Identity).Distinct().Order(StringComparer.Ordinal).ToList();
        var legendWidth = 220;
        using var bitmap = new SKBitmap(new SKImageInfo(size + legendWidth, size, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.White);
            var (minX, maxX, minY, maxY) = Bounds(points);
            float Px(float v) => 40 + (v - minX) / Math.Max(1e-6f, maxX - minX) * (size - 80);
            float Py(float v) => 40 + (v - minY) / Math.Max(1e-6f, maxY - minY) * (size - 80);
            foreach (var p in points)
            {
                using var paint = new SKPaint { Color = ColorOf(identities.IndexOf(p.Identity), identities.Count), IsAntialias = true };
                canvas.DrawCircle(Px(p.X), Py(p.Y), 5, paint);
            }
            // Name each cluster at its identity's median point (up to 60 people), so the map reads without the legend.
            if (identities.Count <= 60)
                foreach (var group in points.GroupBy(p => p.Identity))
                {
                    var mx = group.Select(p => p.X).Order().ElementAt(group.Count() / 2);
                    var my = group.Select(p => p.Y).Order().ElementAt(group.Count() / 2);
                    Fonts.Draw(canvas, group.Key, Px(mx) + 8, Py(my) - 8, 11, new SKColor(40, 40, 40));
                }
            Fonts.Draw(canvas, string.Create(CultureInfo.InvariantCulture, $"{points.Count} faces, {identities.Count} people · neighbours kept {quality.Preservation:P0} · 5-NN identity {quality.KnnAccuracy:P0}"), 12, 22, 14, SKColors.Black);
            for (var i = 0; i < identities.Count && i < 60; i++)
            {
                using var paint = new SKPaint { Color = ColorOf(i, identities.Count), IsAntialias = true };
                canvas.DrawCircle(size + 14, 44 + i * 14, 5, paint);
                Fonts.Draw(canvas, identities[i], size + 24, 48 + i * 14, 12, SKColors.Black);
            }
        }
        return Imaging.ImageLoader.EncodePng(bitmap);
    }

    /// <summary>
    /// The map as one HTML page (points coloured by identity, the face on hover, a thumbnail mosaic): self-contained when
    /// the points carry their thumbnails; points with a <see cref="MapPoint.ThumbnailUrl"/> have their face fetched from
    /// it, only when shown (hover, mosaic). <paramref name="title"/> and <paramref name="note"/> (a line under the
    /// title, e.g. <see cref="MapLayout.SampleNote"/>) are HTML-encoded.
    /// </summary>
    public static string Html(IReadOnlyList<MapPoint> points, MapQuality quality, string title, string? note = null)
    {
        var identities = points.Select(p => p.Identity).Distinct().Order(StringComparer.Ordinal).ToList();
        var (minX, maxX, minY, maxY) = Bounds(points);
        string N(float v) => v.ToString("0.#", CultureInfo.InvariantCulture);
        const float W = 1000;
        float Px(float v) => 30 + (v - minX) / Math.Max(1e-6f, maxX - minX) * (W - 60);
        float Py(float v) => 30 + (v - minY) / Math.Max(1e-6f, maxY - minY) * (W - 60);
        var sb = new StringBuilder();
        sb.Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        sb.Append($"<title>{WebUtility.HtmlEncode(title)}</title><style>body{{font-family:system-ui,sans-serif;margin:12px}}svg{{max-width:100%;height:auto;border:1px solid #ddd}}" +
                  "#tip{position:fixed;pointer-events:none;background:#fff;border:1px solid #999;padding:4px;font-size:13px;display:none}" +
                  ".mosaic circle{display:none}.points image{display:none}.mosaic image{display:inline}" +
                  ".name{font-size:12px;fill:#222;paint-order:stroke;stroke:#fff;stroke-width:3px;pointer-events:none}</style></head><body>");
        sb.Append($"<h1>{WebUtility.HtmlEncode(title)}</h1>");
        if (note is not null) sb.Append($"<p id=\"note\"><b>{WebUtility.HtmlEncode(note)}</b></p>");
        sb.Append($"<p>{points.Count} faces of {identities.Count} people, t-SNE of the face embeddings. " +
                  $"Neighbourhoods kept: {quality.Preservation.ToString("P0", CultureInfo.InvariantCulture)} of each face's 10 nearest; " +
                  $"5 nearest on the map share the identity for {quality.KnnAccuracy.ToString("P0", CultureInfo.InvariantCulture)}. " +
                  "<label><input type=\"checkbox\" id=\"mosaic\"> mosaic of faces</label></p>");
        sb.Append($"<svg id=\"map\" class=\"points\" viewBox=\"0 0 {N(W)} {N(W)}\">");
        foreach (var p in points)
        {
            var color = ColorOf(identities.IndexOf(p.Identity), identities.Count);
            // A URL goes in data-href and is fetched when shown; an inlined face is the href itself.
            var thumb = p.ThumbnailUrl is { } url ? $"data-href=\"{WebUtility.HtmlEncode(url)}\""
                : p.Thumbnail is null ? "" : $"href=\"data:image/jpeg;base64,{Convert.ToBase64String(p.Thumbnail)}\"";
            var name = WebUtility.HtmlEncode(p.Identity);
            sb.Append($"<g data-name=\"{name}\"><circle cx=\"{N(Px(p.X))}\" cy=\"{N(Py(p.Y))}\" r=\"5\" fill=\"#{color.Red:x2}{color.Green:x2}{color.Blue:x2}\"/>");
            if (thumb.Length > 0) sb.Append($"<image {thumb} x=\"{N(Px(p.X) - 14)}\" y=\"{N(Py(p.Y) - 14)}\" width=\"28\" height=\"28\"/>");
            sb.Append("</g>");
        }
        // Each person's name at their median point (up to 60 people), above the faces, so clusters read at a glance.
        if (identities.Count <= 60)
            foreach (var group in points.GroupBy(p => p.Identity))
            {
                var mx = group.Select(p => p.X).Order().ElementAt(group.Count() / 2);
                var my = group.Select(p => p.Y).Order().ElementAt(group.Count() / 2);
                var right = Px(mx) > 0.75f * W; // names near the right edge run leftwards so they are not cut off
                sb.Append($"<text class=\"name\" x=\"{N(Px(mx) + (right ? -10 : 10))}\" y=\"{N(Py(my) - 10)}\"{(right ? " text-anchor=\"end\"" : "")}>" +
                          $"{WebUtility.HtmlEncode(group.Key)}</text>");
            }
        sb.Append("</svg><div id=\"tip\"></div><script>");
        sb.Append("""
            const tip=document.getElementById('tip'),map=document.getElementById('map');
            const face=t=>t.getAttribute('href')||t.dataset.href;
            document.getElementById('mosaic').addEventListener('change',e=>{
              if(e.target.checked)map.querySelectorAll('image[data-href]:not([href])').forEach(t=>t.setAttribute('href',t.dataset.href));
              map.setAttribute('class',e.target.checked?'mosaic':'points');});
            map.addEventListener('mousemove',e=>{const g=e.target.closest('g');if(!g){tip.style.display='none';return;}
              tip.replaceChildren();const t=g.querySelector('image');if(t){const i=new Image();i.src=face(t);i.width=112;tip.append(i,document.createElement('br'));}
              tip.append(g.dataset.name);tip.style.left=(e.clientX+12)+'px';tip.style.top=(e.clientY+12)+'px';tip.style.display='block';});
            map.addEventListener('mouseleave',()=>tip.style.display='none');
            """);
        sb.Append("</script></body></html>");
        return sb.ToString();
    }

    private static (float MinX, float MaxX, float MinY, float MaxY) Bounds(IReadOnlyList<MapPoint> points) =>
        points.Count == 0 ? (0, 1, 0, 1) : (points.Min(p => p.X), points.Max(p => p.X), points.Min(p => p.Y), points.Max(p => p.Y));
}
