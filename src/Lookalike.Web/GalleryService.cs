using System.Security.Cryptography;
using Lookalike.Faces;
using Lookalike.Gallery;
using Lookalike.Imaging;
using Lookalike.Models;
using Lookalike.Search;
using SkiaSharp;

namespace Lookalike.Web;

/// <summary>One analysed frame of a live session: the faces and, in the same order, their track ids.</summary>
public sealed record LiveFrame(FaceAnalysis Analysis, IReadOnlyList<int> TrackIds);

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

    /// <summary>
    /// The models whose faces the gallery holds when it holds none of this pipeline's (e.g. a gallery indexed with
    /// <c>stock</c> before <c>stock+dlib</c> became the default), so that an empty search can say why; empty otherwise.
    /// </summary>
    public IReadOnlyList<string> OtherModelsWhenEmpty()
    {
        if (_index.Count > 0) return [];
        lock (_storeLock)
            return [.. GalleryStore.ModelsWithFaces(_store).Where(m => m != Pipeline.ModelId)];
    }

    /// <summary>Decodes and analyses an uploaded image. Throws <see cref="ImageLoadException"/> for bad input.</summary>
    public async Task<FaceAnalysis> AnalyzeAsync(byte[] image, CancellationToken cancellation)
    {
        await _analysisSlots.WaitAsync(cancellation);
        try
        {
            using var bitmap = ImageLoader.Decode(image);
            return Pipeline.Analyze(bitmap, cancellation);
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
            if (Pipeline.Analyze(imageA, cancellation).Largest is not { } faceA || Pipeline.Analyze(imageB, cancellation).Largest is not { } faceB) return null;
            using var alignedA = FaceAligner.Align(imageA, faceA.FivePoints);
            using var alignedB = FaceAligner.Align(imageB, faceB.FivePoints);
            cancellation.ThrowIfCancellationRequested();
            return Pictures.PairExplanation.Explain(Pipeline, alignedA, faceA.Embedding, "A", alignedB, faceB.Embedding, "B").Png;
        }
        finally
        {
            _analysisSlots.Release();
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> in one of the analysis slots (at most <see cref="WebOptions.Workers"/> at once,
    /// shared with match, compare and the other live sessions), so live video never starves other requests.
    /// </summary>
    public async Task<T> InAnalysisSlotAsync<T>(Func<T> work, CancellationToken cancellation)
    {
        await _analysisSlots.WaitAsync(cancellation);
        try
        {
            return work();
        }
        finally
        {
            _analysisSlots.Release();
        }
    }

    /// <summary>Live WebSocket sessions open now (<c>/api/live/ws</c>).</summary>
    private int _liveSockets;

    /// <summary>Counts one more live WebSocket session; false (and nothing counted) when <see cref="WebOptions.MaxLiveSessions"/> are open.</summary>
    public bool TryOpenLiveSocket()
    {
        if (Interlocked.Increment(ref _liveSockets) <= Options.MaxLiveSessions) return true;
        Interlocked.Decrement(ref _liveSockets);
        return false;
    }

    /// <summary>A live WebSocket session ended.</summary>
    public void CloseLiveSocket() => Interlocked.Decrement(ref _liveSockets);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (LiveTracker Tracker, DateTime Used)> _live = new();
    private const int MaxLiveSessions = 64;

    /// <summary>
    /// One frame of a live video stream: faces are followed between frames of the same session, and only new or
    /// moved faces are embedded again. Sessions idle for a minute are dropped; at most 64 are kept.
    /// </summary>
    public async Task<LiveFrame> LiveFrameAsync(string session, byte[] image, CancellationToken cancellation)
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
            lock (tracker) tracked = tracker.Process(bitmap, cancellation);
            return new LiveFrame(new FaceAnalysis(bitmap.Width, bitmap.Height, [.. tracked.Select(t => t.Face)], 0), [.. tracked.Select(t => t.Id)]);
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

    private sealed record MapState(long Version, Pictures.MapLayout Layout);
    private volatile MapState? _map;
    private readonly Lock _mapGate = new();
    private readonly CancellationTokenSource _stopping = new();
    private Task? _mapTask;
    private int _mapComputations;

    /// <summary>How long a request for the map waits for a layout under way before it answers without it (a small gallery's is ready by then).</summary>
    internal static readonly TimeSpan MapWait = TimeSpan.FromSeconds(5);

    /// <summary>How many times the map has been laid out (tests check it is once per gallery version).</summary>
    internal int MapComputations => Volatile.Read(ref _mapComputations);

    /// <summary>
    /// The gallery map: laid out in the background, once per version of the gallery and one layout at a time, on at most
    /// <see cref="WebOptions.MapFaces"/> faces (a sample beyond). A request starts the layout when the gallery changed
    /// since the last one and waits up to <see cref="MapWait"/> for it; after that it gets the previous version's map
    /// (<see cref="MapStatus.Stale"/>) or, before the first one, nothing (<see cref="MapStatus.Computing"/>).
    /// </summary>
    public async Task<(MapStatus Status, Pictures.MapLayout? Layout)> MapAsync(CancellationToken cancellation)
    {
        if (_map is { } ready && ready.Version == Interlocked.Read(ref _version)) return (MapStatus.Ready, ready.Layout);
        Task task;
        lock (_mapGate)
        {
            if (_mapTask is null)
            {
                var version = Interlocked.Read(ref _version);
                _mapTask = Task.Run(() => LayOutMap(version), CancellationToken.None);
            }
            task = _mapTask;
        }
        await Task.WhenAny(task, Task.Delay(MapWait, cancellation));
        cancellation.ThrowIfCancellationRequested();
        if (task.IsFaulted) await task; // the layout's own error (the next request tries again)
        return _map is not { } shown ? (MapStatus.Computing, null)
            : (shown.Version == Interlocked.Read(ref _version) ? MapStatus.Ready : MapStatus.Stale, shown.Layout);
    }

    /// <summary>Lays out the map of <paramref name="version"/> on a connection of its own, so requests and writes go on meanwhile; takes one analysis slot.</summary>
    private void LayOutMap(long version)
    {
        try
        {
            _analysisSlots.Wait(_stopping.Token);
            try
            {
                Interlocked.Increment(ref _mapComputations);
                using var store = GalleryStore.Open(Options.Db);
                _map = new MapState(version, Pictures.GalleryMap.Compute(store, Pipeline.ModelId, Options.MapFaces, cancellation: _stopping.Token));
            }
            finally
            {
                _analysisSlots.Release();
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // The server is stopping: no map.
        }
        finally
        {
            lock (_mapGate) _mapTask = null;
        }
    }

    private sealed record PathsCache(long Version, GalleryPaths Paths);
    private volatile PathsCache? _paths;

    /// <summary>How stored paths are shown, worked out once per version of the gallery.</summary>
    public GalleryPaths Paths
    {
        get
        {
            var version = Interlocked.Read(ref _version);
            if (_paths is { } cached && cached.Version == version) return cached.Paths;
            var (first, last) = Read(s => s.PathRange());
            var paths = new GalleryPaths(new[] { first, last }.OfType<string>());
            _paths = new PathsCache(version, paths);
            return paths;
        }
    }

    /// <summary>
    /// True when the request may see the server's absolute paths: it asks (<c>?paths=absolute</c>) and carries the
    /// API key. Everyone else sees paths relative to the gallery folder (<see cref="GalleryPaths"/>).
    /// </summary>
    public bool ShowsAbsolutePaths(HttpContext http) =>
        http.Request.Query["paths"] == "absolute" && !string.IsNullOrEmpty(Options.ApiKey)
        && AccessFilter.HasKey(http.Request.Headers[Api.ApiKeyHeader].ToString(), Options.ApiKey);

    /// <summary>The URL of a stored face's thumbnail: signed (unguessable, no key needed) when reads are protected.</summary>
    public string ThumbnailUrl(long faceId, SignedLinks links) =>
        Options.ProtectReads ? links.Sign($"/api/faces/{faceId}/thumbnail") : $"/api/faces/{faceId}/thumbnail";

    /// <summary>A stored path as this request may see it.</summary>
    public string PathFor(string path, HttpContext http) => ShowsAbsolutePaths(http) ? path : Paths.Relative(path);

    /// <summary>A match answer with its gallery paths as this request may see them.</summary>
    public MatchResultJson ForClient(MatchResultJson result, HttpContext http)
    {
        if (ShowsAbsolutePaths(http)) return result;
        var paths = Paths;
        return result with
        {
            Faces = [.. result.Faces.Select(f => f with { Matches = [.. f.Matches.Select(m => m with { BestFacePath = paths.Relative(m.BestFacePath) })] })],
        };
    }

    /// <summary>The gallery's identity names, looked up by name, by NFC form and by look-alike skeleton; built once per version of the gallery.</summary>
    private sealed record NameDirectory(long Version, HashSet<string> Names, Dictionary<string, string> ByNfc, Dictionary<string, List<string>> BySkeleton)
    {
        public static NameDirectory Of(long version, IReadOnlyList<string> sorted)
        {
            var directory = new NameDirectory(version, new HashSet<string>(StringComparer.Ordinal), new(StringComparer.Ordinal), new(StringComparer.Ordinal));
            foreach (var name in sorted) directory.Add(name);
            return directory;
        }

        /// <summary>A copy at <paramref name="version"/> with <paramref name="name"/> too (this server's own add: no read of every name).</summary>
        public NameDirectory With(string name, long version)
        {
            var copy = new NameDirectory(version, new HashSet<string>(Names, StringComparer.Ordinal), new(ByNfc, StringComparer.Ordinal),
                BySkeleton.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal));
            if (!copy.Names.Contains(name)) copy.Add(name);
            return copy;
        }

        private void Add(string name)
        {
            Names.Add(name);
            ByNfc.TryAdd(Nfc.Normalize(name), name); // the first in name order, as a scan of the names would find
            var skeleton = IdentityNames.Skeleton(name);
            if (BySkeleton.TryGetValue(skeleton, out var same)) BySkeleton[skeleton] = [.. same, name];
            else BySkeleton[skeleton] = [name];
        }
    }

    private volatile NameDirectory? _names;

    private NameDirectory Names()
    {
        var version = Interlocked.Read(ref _version);
        if (_names is { } cached && cached.Version == version) return cached;
        var built = NameDirectory.Of(version, Read(s => s.IdentityNames()));
        _names = built;
        return built;
    }

    /// <summary>
    /// The stored identity a requested name means: the name itself, or else the one equal to it in Unicode NFC
    /// (a client may send decomposed accents; folder names from macOS are decomposed). Null when there is none.
    /// </summary>
    public string? FindIdentity(string name)
    {
        var names = Names();
        return names.Names.Contains(name) ? name : names.ByNfc.GetValueOrDefault(Nfc.Normalize(name));
    }

    /// <summary>An existing identity other than <paramref name="name"/> that looks the same (<see cref="IdentityNames.Skeleton"/>), or null.</summary>
    public string? LookAlikeOf(string name) =>
        Names().BySkeleton.GetValueOrDefault(IdentityNames.Skeleton(name))?.FirstOrDefault(i => !string.Equals(i, name, StringComparison.Ordinal));

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
            var version = Interlocked.Increment(ref _version);
            // Only this write since the names were read: add the one name instead of reading them all again.
            if (_names is { } names && names.Version == version - 1) _names = names.With(identity, version);
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

    /// <summary>How long <see cref="Dispose"/> waits for model runs under way before freeing the models anyway.</summary>
    private static readonly TimeSpan DisposeWait = TimeSpan.FromSeconds(30);

    public void Dispose()
    {
        Task? map;
        lock (_mapGate) map = _mapTask;
        _stopping.Cancel(); // a layout under way stops at its next iteration, and is waited for before what it uses goes
        map?.ContinueWith(_ => { }, TaskScheduler.Default).Wait();
        _stopping.Dispose();
        using (var stopped = new ManualResetEvent(false))
            if (_follow.Dispose(stopped)) stopped.WaitOne(); // a running refresh finishes before its connection goes
        // Every model run holds an analysis slot: taking them all waits for the runs still under way (a live session's
        // recognition, a request the host stopped waiting for), so no model is freed while it runs. Freeing an ONNX
        // session in the middle of its run crashed the process (SIGSEGV) when a test closed the server right after a
        // live socket. Slots taken here are never given back: the service is gone.
        for (var i = 0; i < Math.Max(1, Options.Workers); i++)
            if (!_analysisSlots.Wait(DisposeWait)) break;
        (_index as IDisposable)?.Dispose();
        Pipeline.Dispose();
        _store.Dispose();
        _analysisSlots.Dispose();
    }
}
