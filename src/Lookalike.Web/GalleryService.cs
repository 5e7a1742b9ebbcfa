using System.Security.Cryptography;
using Lookalike.Faces;
using Lookalike.Gallery;
using Lookalike.Imaging;
using Lookalike.Models;
using Lookalike.Search;
using SkiaSharp;

namespace Lookalike.Web;

/// <summary>
/// The library objects one server shares between requests: the pipeline (thread-safe sessions), the store (one
/// SQLite connection, used under a lock) and the search (the core's, which follows the gallery: this server's writes
/// at once, other processes' within <see cref="FollowInterval"/>; readers never see a half-applied change). Analyses are limited to <see cref="WebOptions.Workers"/> at once.
/// </summary>
public sealed class GalleryService : IDisposable
{
    private readonly IGalleryStore _store;
    private readonly Lock _storeLock = new();
    private readonly SemaphoreSlim _analysisSlots;
    private readonly IFaceSearch _index;

    public GalleryService(WebOptions options)
    {
        Options = options;
        var models = new ModelStore(options.ModelsDir);
        models.Ensure(ModelStore.Faceplugin);
        Pipeline = new FacePipeline(models, new PipelineOptions { Embedder = EmbedderChoice.Resolve(models, options.Model) });
        _store = GalleryStore.Open(options.Db);
        _index = GallerySearch.Open(_store, Pipeline.ModelId, Pipeline.Dimension);
        _analysisSlots = new SemaphoreSlim(Math.Max(1, options.Workers));
        _follow = new Timer(_ => Follow(), null, FollowInterval, FollowInterval);
    }

    /// <summary>How often the search looks for changes other processes made to the gallery (e.g. <c>lookalike gallery add</c>).</summary>
    public static readonly TimeSpan FollowInterval = TimeSpan.FromSeconds(2);
    private readonly Timer _follow;
    private long _version;

    /// <summary>Brings the search up to date with the gallery (the core replays its change log; cheap when nothing changed).</summary>
    private void Follow()
    {
        try
        {
            if (_index.Refresh()) Interlocked.Increment(ref _version);
        }
        catch (System.Data.Common.DbException)
        {
            // The store is busy or away for a moment: the next tick tries again.
        }
    }

    public WebOptions Options { get; }
    public FacePipeline Pipeline { get; }
    public IFaceSearch Index => _index;

    /// <summary>Decodes and analyses an uploaded image. Throws <see cref="ImageLoadException"/> for bad input.</summary>
    public async Task<FaceAnalysis> AnalyzeAsync(byte[] image, CancellationToken cancellation)
    {
        await _analysisSlots.WaitAsync(cancellation);
        try
        {
            using var bitmap = ImageLoader.Decode(image);
            return Pipeline.Analyze(bitmap);
        }
        finally
        {
            _analysisSlots.Release();
        }
    }

    /// <summary>Occlusion heat-maps for two uploaded photos; null when either has no face. Takes every analysis slot (it is parallel itself).</summary>
    public async Task<byte[]?> ExplainAsync(byte[] a, byte[] b, CancellationToken cancellation)
    {
        await _analysisSlots.WaitAsync(cancellation);
        try
        {
            using var imageA = ImageLoader.Decode(a);
            using var imageB = ImageLoader.Decode(b);
            return Pictures.PairExplanation.Explain(Pipeline, imageA, "A", imageB, "B")?.Png;
        }
        finally
        {
            _analysisSlots.Release();
        }
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (LiveTracker Tracker, DateTime Used)> _live = new();
    private const int MaxLiveSessions = 64;

    /// <summary>
    /// One frame of a live video stream: faces are followed between frames of the same session, and only new or
    /// moved faces are embedded again. Sessions idle for a minute are dropped; at most 64 are kept.
    /// </summary>
    public async Task<(FaceAnalysis Analysis, IReadOnlyList<int> TrackIds)> LiveFrameAsync(string session, byte[] image, CancellationToken cancellation)
    {
        await _analysisSlots.WaitAsync(cancellation);
        try
        {
            var now = DateTime.UtcNow;
            foreach (var (key, value) in _live)
                if (now - value.Used > TimeSpan.FromMinutes(1)) _live.TryRemove(key, out _);
            if (!_live.ContainsKey(session) && _live.Count >= MaxLiveSessions)
                _live.TryRemove(_live.MinBy(kv => kv.Value.Used).Key, out _);
            var tracker = _live.AddOrUpdate(session, _ => (new LiveTracker(Pipeline), now), (_, v) => (v.Tracker, now)).Tracker;
            using var bitmap = ImageLoader.Decode(image);
            IReadOnlyList<TrackedFace> tracked;
            lock (tracker) tracked = tracker.Process(bitmap);
            return (new FaceAnalysis(bitmap.Width, bitmap.Height, [.. tracked.Select(t => t.Face)], 0), [.. tracked.Select(t => t.Id)]);
        }
        finally
        {
            _analysisSlots.Release();
        }
    }

    /// <summary>PNG of the mean of an identity's stored aligned faces, or null when it has none.</summary>
    public byte[]? AverageOf(string identity)
    {
        var thumbnails = Read(s => s.IdentityFaces(identity).Select(f => s.Thumbnail(f.Id)).OfType<byte[]>().ToList());
        if (thumbnails.Count == 0) return null;
        var faces = thumbnails.Select(t => ImageLoader.Decode(t)).ToList();
        try
        {
            using var average = Pictures.AverageFace.OfAligned(faces);
            return ImageLoader.EncodePng(average);
        }
        finally
        {
            faces.ForEach(f => f.Dispose());
        }
    }

    private sealed record MapCache(long Version, string Html);
    private volatile MapCache? _map;

    /// <summary>The gallery map page, computed once per version of the gallery (t-SNE takes seconds).</summary>
    public string MapHtml()
    {
        var version = Interlocked.Read(ref _version);
        if (_map is { } cached && cached.Version == version) return cached.Html;
        var (faces, thumbnails) = Read(s =>
        {
            var f = s.Faces(Pipeline.ModelId);
            return (f, f.Select(x => s.Thumbnail(x.Id)).ToList());
        });
        var embeddings = faces.Select(f => f.Embedding).ToList();
        var layout = faces.Count >= 2 ? Pictures.GalleryMap.Layout(embeddings) : [.. faces.Select(_ => (0f, 0f))];
        var quality = Pictures.GalleryMap.Quality(embeddings, layout, [.. faces.Select(f => f.Identity)]);
        var points = faces.Select((f, i) => new Pictures.MapPoint(f.Identity, layout[i].X, layout[i].Y, thumbnails[i])).ToList();
        var html = Pictures.GalleryMap.Html(points, quality, "Gallery map");
        _map = new MapCache(version, html);
        return html;
    }

    public T Read<T>(Func<IGalleryStore, T> read)
    {
        lock (_storeLock) return read(_store);
    }

    /// <summary>Adds the largest face of an uploaded photo to an identity. The photo itself is not kept.</summary>
    public void AddFace(string identity, byte[] image, Face face, int facesInPhoto)
    {
        var sha = Convert.ToHexStringLower(SHA256.HashData(image));
        // Not a file path: uploads are keyed by identity and content, and never touch the file system.
        var key = $"upload:{identity}/{sha}";
        var record = new FileRecord(key, identity, sha, image.Length, DateTime.UtcNow.Ticks,
            facesInPhoto > 1 ? Outcome.MultipleFaces : Outcome.Indexed, facesInPhoto > 1 ? $"{facesInPhoto} faces; kept the largest" : "uploaded", Pipeline.ModelId);
        lock (_storeLock)
        {
            _store.Write([new FileResult(record, face)]);
            _index.Refresh();
            Interlocked.Increment(ref _version);
        }
    }

    public int RemoveIdentity(string identity)
    {
        lock (_storeLock)
        {
            var removed = _store.RemoveIdentity(identity);
            _index.Refresh();
            Interlocked.Increment(ref _version);
            return removed;
        }
    }

    public void Dispose()
    {
        using (var stopped = new ManualResetEvent(false))
            if (_follow.Dispose(stopped)) stopped.WaitOne(); // a running refresh finishes before its connection goes
        (_index as IDisposable)?.Dispose();
        Pipeline.Dispose();
        _store.Dispose();
        _analysisSlots.Dispose();
    }
}
