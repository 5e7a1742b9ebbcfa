namespace Lookalike.Gallery;

/// <summary>
/// What a gallery archive (.zip, .tar.gz) may unpack to. Entries are read into memory one photo at a time and never
/// written to disk, so these limits bound the work a hostile archive (a zip bomb) can cause; the bytes counted are
/// those actually decompressed, not the sizes the archive's headers claim.
/// </summary>
public sealed record ArchiveLimits
{
    /// <summary>The defaults: 64 GiB in all, entries over 1 MiB at most 100 times smaller compressed.</summary>
    public static readonly ArchiveLimits Default = new();

    /// <summary>Most bytes the whole archive may decompress to (VGGFace2's training archive, the largest set README lists, is 37.9 GB).</summary>
    public long MaxTotalBytes { get; init; } = 64L << 30;

    /// <summary>Most an entry may shrink when compressed (uncompressed / compressed); photos hardly compress at all.</summary>
    public double MaxRatio { get; init; } = 100;

    /// <summary>Entries smaller than this are not held to <see cref="MaxRatio"/> (a tiny file's ratio says little).</summary>
    public long RatioFromBytes { get; init; } = 1L << 20;
}
