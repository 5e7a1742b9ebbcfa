namespace Lookalike.Web;

/// <summary>What <c>GET /api/gallery/map</c> can show right now (its <c>X-Map-Status</c> header).</summary>
public enum MapStatus
{
    /// <summary>The map of the gallery as it is.</summary>
    Ready,

    /// <summary>The map of an earlier version of the gallery, while the current one is laid out.</summary>
    Stale,

    /// <summary>No map yet: the first one is being laid out (202).</summary>
    Computing,
}
