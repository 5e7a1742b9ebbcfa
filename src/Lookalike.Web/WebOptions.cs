namespace Lookalike.Web;

/// <summary>How `lookalike serve` runs the web app.</summary>
public sealed record WebOptions
{
    /// <summary>The gallery database (created empty if missing).</summary>
    public string Db { get; init; } = "gallery.db";
    public string? ModelsDir { get; init; }
    /// <summary>The embedder: stock+dlib (default), stock, stock+flip, or a fine-tuned model's folder or name (see EmbedderChoice).</summary>
    public string? Model { get; init; }
    /// <summary>Key for the write endpoints (X-Api-Key header). Without one, writes are refused.</summary>
    public string? ApiKey { get; init; }
    /// <summary>When true, reads need the key too.</summary>
    public bool ProtectReads { get; init; }
    /// <summary>Largest accepted upload; bigger requests get 413 before their body is read.</summary>
    public long MaxUploadBytes { get; init; } = 20L * 1024 * 1024;
    /// <summary>Requests per minute per client address (0 = no limit). Over it: 429.</summary>
    public int RateLimitPerMinute { get; init; }

    /// <summary>The rate limit's window (a minute; a test sets an hour so the window cannot roll over mid-test).</summary>
    public TimeSpan RateLimitWindow { get; init; } = TimeSpan.FromMinutes(1);
    /// <summary>
    /// Host names the server answers to (e.g. <c>lookalike.example.org</c>); other Host headers get 400. Empty: any
    /// host, fine on loopback; set it when exposed, against DNS rebinding.
    /// </summary>
    public IReadOnlyList<string> AllowedHosts { get; init; } = [];
    /// <summary>Addresses (or CIDR networks) of reverse proxies whose X-Forwarded-For names the client. Empty: the header is ignored.</summary>
    public IReadOnlyList<string> TrustedProxies { get; init; } = [];

    /// <summary>Faces the gallery map shows at most: a larger gallery is sampled, stratified by person (<see cref="Pictures.GalleryMap.Sample"/>).</summary>
    public int MapFaces { get; init; } = Pictures.GalleryMap.DefaultSampleFaces;

    /// <summary>Images analysed at once (each model run is single-threaded).</summary>
    public int Workers { get; init; } = Environment.ProcessorCount;

    /// <summary>Live WebSocket sessions open at once (<c>/api/live/ws</c>); one more gets 429.</summary>
    public int MaxLiveSessions { get; init; } = 8;

    /// <summary>Largest frame a live WebSocket session accepts; a bigger one gets an error message (the session goes on).</summary>
    public int MaxLiveFrameBytes { get; init; } = 2 * 1024 * 1024;
}
