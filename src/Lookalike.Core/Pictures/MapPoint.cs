namespace Lookalike.Pictures;

/// <summary>One gallery face placed on the 2-D map; <see cref="Thumbnail"/> is inlined into the page, <see cref="ThumbnailUrl"/> (when set) fetched instead.</summary>
public sealed record MapPoint(string Identity, float X, float Y, byte[]? Thumbnail)
{
    /// <summary>The stored face's id (0 when not from a store).</summary>
    public long FaceId { get; init; }

    /// <summary>Where the page fetches the face from (a server's thumbnail URL); null to inline <see cref="Thumbnail"/>.</summary>
    public string? ThumbnailUrl { get; init; }
}
